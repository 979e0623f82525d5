package io.kiln.core.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NotifyRulesTest {
  @Test
  void aSignatureVerifiesOnlyForItsSecretBodyAndTime() {
    String body = "{\"kind\":\"run-succeeded\"}";
    String header = WebhookSignature.sign("s3cret", 1_700_000_000L, body);
    assertTrue(header.matches("t=1700000000,v1=[0-9a-f]{64}"), header);
    assertTrue(WebhookSignature.verify("s3cret", header, body, 1_700_000_100L, 300));
    assertFalse(WebhookSignature.verify("other", header, body, 1_700_000_100L, 300), "secret");
    assertFalse(WebhookSignature.verify("s3cret", header, body + " ", 1_700_000_100L, 300), "body");
    assertFalse(
        WebhookSignature.verify("s3cret", header, body, 1_700_001_000L, 300), "replayed late");
    String forged = header.replace("t=1700000000", "t=1700000900");
    assertFalse(WebhookSignature.verify("s3cret", forged, body, 1_700_000_900L, 300), "new time");
    assertFalse(WebhookSignature.verify("s3cret", "garbage", body, 1_700_000_000L, 300));
    assertFalse(WebhookSignature.verify("s3cret", null, body, 1_700_000_000L, 300));
  }

  @Test
  void privateAndInternalAddressesAreRecognised() throws Exception {
    for (String a :
        new String[] {
          "127.0.0.1",
          "192.0.0.8",
          "198.18.0.1",
          "240.0.0.1",
          "255.255.255.255",
          "64:ff9b::a9fe:a9fe",
          "10.1.2.3",
          "172.16.0.1",
          "172.31.255.255",
          "192.168.1.1",
          "169.254.169.254",
          "100.64.0.1",
          "0.0.0.0",
          "::1",
          "fd00::1",
          "fe80::1",
          "::ffff:10.0.0.1",
          "224.0.0.1"
        }) {
      assertTrue(PrivateAddresses.isPrivate(InetAddress.getByName(a)), a);
    }
    for (String a :
        new String[] {
          "8.8.8.8",
          "172.32.0.1",
          "100.128.0.1",
          "2001:4860::8888",
          "64:ff9b::808:808",
          "198.20.0.1"
        }) {
      assertFalse(PrivateAddresses.isPrivate(InetAddress.getByName(a)), a);
    }
  }

  @Test
  void retriesBackOffExponentiallyUpToAnHour() {
    assertEquals(0, Backoff.secondsAfter(0, 5));
    assertEquals(5, Backoff.secondsAfter(1, 5));
    assertEquals(10, Backoff.secondsAfter(2, 5));
    assertEquals(40, Backoff.secondsAfter(4, 5));
    assertEquals(3600, Backoff.secondsAfter(20, 5));
    assertEquals(3600, Backoff.secondsAfter(1000, 5));
  }

  @Test
  void eventKindsRoundTripByKey() {
    for (EventKind k : EventKind.values()) {
      assertEquals(k, EventKind.of(k.key()).orElseThrow());
    }
    assertTrue(EventKind.of("nope").isEmpty());
  }
}
