package io.voxrelay.session;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.IdentityHashMap;

/**
 * Prepared statements kept per database connection, for SQLite, which compiles a statement's SQL each time it is
 * prepared (a third of the store writer's time went to that). {@link #on} hands the store's work a view of its
 * connection whose {@code prepareStatement(sql)} reuses the connection's earlier statement for that SQL, and
 * whose statements' {@code close()} resets them and puts them back. Each connection keeps at most
 * {@link #PER_CONNECTION} statements, the least recently used going first (really closed).
 *
 * <p>A connection is used by one thread at a time (the pool's contract), so a connection's own cache needs no
 * lock; the map of connections is synchronized. A connection the pool closed is dropped with its statements
 * when the pool opens another (closing a SQLite connection finalizes its statements), so the map holds at most
 * the pool's connections.
 */
final class StatementCache {

  /** Distinct statements kept per connection: the store has fewer than this many fixed ones. */
  static final int PER_CONNECTION = 96;

  private final Map<Connection, Statements> byConnection = new IdentityHashMap<>();

  /** {@code c} (a pooled connection), whose statements are reused across the times it is lent. */
  Connection on(Connection c) throws SQLException {
    Connection physical = c.unwrap(Connection.class);
    Statements statements;
    synchronized (byConnection) {
      statements = byConnection.get(physical);
      if (statements == null) {
        // A new connection: the pool may have closed others (their statements went with them).
        byConnection.keySet().removeIf(StatementCache::isClosed);
        statements = new Statements();
        byConnection.put(physical, statements);
      }
    }
    return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new ConnectionView(c, physical, statements));
  }

  /** One connection's statements by SQL: the idle ones, ready to run again. */
  private static final class Statements {
    private final LinkedHashMap<String, Deque<PreparedStatement>> idle = new LinkedHashMap<>(16, 0.75f, true);
    private int count;

    PreparedStatement take(String sql) {
      Deque<PreparedStatement> ready = idle.get(sql);
      PreparedStatement ps = ready == null ? null : ready.poll();
      if (ps != null) {
        count--;
      }
      return ps;
    }

    /** Keeps {@code ps} for its SQL, closing the least recently used statement past the bound. */
    void keep(String sql, PreparedStatement ps) throws SQLException {
      idle.computeIfAbsent(sql, k -> new ArrayDeque<>(1)).push(ps);
      count++;
      while (count > PER_CONNECTION) {
        Map.Entry<String, Deque<PreparedStatement>> eldest = idle.entrySet().iterator().next();
        PreparedStatement old = eldest.getValue().pollLast();
        if (old != null) {
          count--;
          old.close();
        }
        if (eldest.getValue().isEmpty()) {
          idle.remove(eldest.getKey());
        }
      }
    }
  }

  /** The connection as the store's work sees it: {@code prepareStatement(sql)} goes through the cache. */
  private static final class ConnectionView implements InvocationHandler {
    private final Connection delegate;
    private final Connection physical;
    private final Statements statements;

    ConnectionView(Connection delegate, Connection physical, Statements statements) {
      this.delegate = delegate;
      this.physical = physical;
      this.statements = statements;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
        String sql = (String) args[0];
        PreparedStatement ps = statements.take(sql);
        if (ps == null) {
          // On the pool's own connection: the pool closes the statements prepared through its wrapper when
          // the connection goes back to it, and these outlive that.
          ps = physical.prepareStatement(sql);
        }
        return Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
            new Lent(sql, ps, statements));
      }
      return passOn(delegate, method, args);
    }
  }

  /** A statement lent to the store's work: its {@code close()} resets it and gives it back. */
  private static final class Lent implements InvocationHandler {
    private final String sql;
    private final PreparedStatement delegate;
    private final Statements statements;
    private java.sql.ResultSet lastResult;
    private boolean returned;

    Lent(String sql, PreparedStatement delegate, Statements statements) {
      this.sql = sql;
      this.delegate = delegate;
      this.statements = statements;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          giveBack();
          return null;
        }
        case "isClosed" -> {
          return returned || delegate.isClosed();
        }
        default -> {
          if (returned) {
            throw new SQLException("statement is closed");
          }
          Object result = passOn(delegate, method, args);
          if (result instanceof java.sql.ResultSet rs) {
            lastResult = rs;
          }
          return result;
        }
      }
    }

    private void giveBack() throws SQLException {
      if (returned) {
        return;
      }
      returned = true;
      if (delegate.isClosed()) {
        return;
      }
      try {
        // Ends a result still open (SQLite holds its read snapshot until the statement is reset; closing the
        // result resets it) and forgets the bindings.
        if (lastResult != null) {
          lastResult.close();
        }
        delegate.clearParameters();
        delegate.clearBatch();
        statements.keep(sql, delegate);
      } catch (SQLException | RuntimeException e) {
        delegate.close();
      }
    }
  }

  private static boolean isClosed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private static Object passOn(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
