package io.voxrelay.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.json.Json;

/**
 * The OpenAI Realtime (GA) client events the relay sends upstream. Each builder returns the JSON text of one
 * event; the shapes follow {@code RealtimeClientEvent} in OpenAI's published schema.
 */
final class RealtimeClientEvents {

  private RealtimeClientEvents() {
  }

  /** Configures the upstream session: realtime type, PCM16 24 kHz both ways, server VAD, the interview prompt. */
  static String sessionUpdate(SessionSnapshot session, String voice) {
    ObjectNode format = Json.object().put("type", "audio/pcm").put("rate", Pcm16.SAMPLE_RATE);
    ObjectNode turnDetection = Json.object()
        .put("type", "server_vad")
        .put("threshold", 0.5)
        .put("prefix_padding_ms", 300)
        .put("silence_duration_ms", 500)
        .put("create_response", true)
        .put("interrupt_response", true);
    ObjectNode input = Json.object();
    input.set("format", format);
    input.set("turn_detection", turnDetection);
    input.set("transcription", Json.object().put("model", "gpt-4o-mini-transcribe"));
    ObjectNode output = Json.object();
    output.set("format", format.deepCopy());
    output.put("voice", voice);
    ObjectNode audio = Json.object();
    audio.set("input", input);
    audio.set("output", output);

    ObjectNode sessionConfig = Json.object().put("type", "realtime").put("instructions", InterviewPrompt.of(session));
    ArrayNode modalities = sessionConfig.putArray("output_modalities");
    modalities.add("audio");
    sessionConfig.set("audio", audio);

    ObjectNode event = event("session.update");
    event.set("session", sessionConfig);
    return Json.write(event);
  }

  static String inputAudioAppend(String base64Pcm) {
    return Json.write(event("input_audio_buffer.append").put("audio", base64Pcm));
  }

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }
}
