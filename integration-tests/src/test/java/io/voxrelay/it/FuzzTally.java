package io.voxrelay.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a fuzz run has sent and seen, shared by its attackers: frames, distinct mutations, every answer by
 * kind, the violations of the protocol, and every secret handed out (which no log line may hold).
 */
final class FuzzTally {

  private final AtomicLong frames = new AtomicLong();
  private final Set<String> mutations = ConcurrentHashMap.newKeySet();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();

  void sent(long count) {
    frames.addAndGet(count);
  }

  /** One frame of a named kind sent. */
  void sent(String mutation) {
    mutations.add(mutation);
    frames.incrementAndGet();
  }

  long frames() {
    return frames.get();
  }

  int distinctMutations() {
    return mutations.size();
  }

  void answer(String kind) {
    answers.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  Map<String, AtomicInteger> answers() {
    return new TreeMap<>(answers);
  }

  void violation(String what) {
    violations.add(what);
  }

  List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  void secret(String secret) {
    if (secret != null && !secret.isEmpty()) {
      secrets.add(secret);
    }
  }

  /** Whether {@code line} holds any secret handed out so far. */
  boolean leaks(String line) {
    return secrets.stream().anyMatch(line::contains);
  }
}
