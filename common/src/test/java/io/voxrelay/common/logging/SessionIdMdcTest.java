package io.voxrelay.common.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("JSON logs")
class SessionIdMdcTest {

  private static final String SESSION = "s_0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName("VOXRELAY_LOG_FORMAT=json writes one JSON object per line, with the session a line is about")
  void jsonLinesCarryTheSession() throws Exception {
    LoggerContext context = new LoggerContext();
    // The MDC the filter writes is slf4j's, the one a process's only context reads.
    context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
    context.putProperty("VOXRELAY_LOG_FORMAT", "json");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(SessionIdMdcTest.class.getResource("/logback.xml"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> json = (ConsoleAppender<ILoggingEvent>) root.getAppender("json");
    assertThat(json).as("the json appender is the one chosen").isNotNull();
    assertThat(root.getAppender("text")).isNull();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    root.addAppender(seen);

    Logger log = context.getLogger("io.voxrelay.gateway.Test");
    log.info("[Gateway] client connected to {} (connection {})", SESSION, "c-1");
    log.info("[Gateway] a line about no session");
    log.warn("[Gateway] {} of {} failed", "hello", SESSION, new IllegalStateException("boom"));

    List<JsonNode> lines = seen.list.stream().map(event -> {
      String line = new String(json.getEncoder().encode(event), StandardCharsets.UTF_8);
      assertThat(line).endsWith("\n").doesNotContain("\n\n");
      assertThat(line.strip()).doesNotContain("\n");
      return Json.parse(line);
    }).toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).path("formattedMessage").asText())
        .isEqualTo("[Gateway] client connected to " + SESSION + " (connection c-1)");
    assertThat(lines.get(0).path("level").asText()).isEqualTo("INFO");
    assertThat(lines.get(0).path("mdc").path("sessionId").asText()).isEqualTo(SESSION);
    assertThat(lines.get(1).path("mdc").path("sessionId").isMissingNode()).as("no stale session").isTrue();
    assertThat(lines.get(2).path("mdc").path("sessionId").asText()).isEqualTo(SESSION);
    assertThat(lines.get(2).path("throwable").toString()).contains("boom");
    context.stop();
  }

  @Test
  @DisplayName("only a well-formed session id among a line's arguments counts")
  void onlyWellFormedIds() {
    assertThat(SessionIdMdc.sessionIdIn(new Object[] {"x", SESSION})).isEqualTo(SESSION);
    assertThat(SessionIdMdc.sessionIdIn(new Object[] {"s_nothex", 3})).isNull();
    assertThat(SessionIdMdc.sessionIdIn(null)).isNull();
  }
}
