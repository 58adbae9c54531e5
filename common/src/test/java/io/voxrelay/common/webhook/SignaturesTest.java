package io.voxrelay.common.webhook;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Request signatures")
class SignaturesTest {

  private static final byte[] BODY = "{\"type\":\"session.created\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName("are the documented recipe: HMAC-SHA256 of \"<t>.<body>\", hex, after t=")
  void recipe() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("whsec".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal(("1700000000." + new String(BODY, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8)));
    assertThat(Signatures.header("whsec", 1_700_000_000L, BODY)).isEqualTo("t=1700000000,v1=" + expected);
  }

  @Test
  @DisplayName("verify within the replay window only, under the right secret, over the exact body")
  void verification() {
    String header = Signatures.header("whsec", 1_700_000_000L, BODY);
    assertThat(Signatures.verify("whsec", header, BODY, 1_700_000_000L)).isTrue();
    assertThat(Signatures.verify("whsec", header, BODY, 1_700_000_000L + Signatures.TOLERANCE_SECONDS)).isTrue();
    assertThat(Signatures.verify("whsec", header, BODY, 1_700_000_000L + Signatures.TOLERANCE_SECONDS + 1)).isFalse();
    assertThat(Signatures.verify("other", header, BODY, 1_700_000_000L)).isFalse();
    assertThat(Signatures.verify("whsec", header, "{}".getBytes(StandardCharsets.UTF_8), 1_700_000_000L)).isFalse();
    for (String bad : new String[] {null, "", "t=x,v1=00", "v1=00", "t=1700000000", "t=1700000000,v1=zz", "garbage"}) {
      assertThat(Signatures.verify("whsec", bad, BODY, 1_700_000_000L)).as(String.valueOf(bad)).isFalse();
    }
  }
}
