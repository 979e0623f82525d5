package io.kiln.core.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses a team's webhook may not reach unless an admin allows it (no SSRF from a team's
 * settings): loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
 * where cloud metadata services answer; fe80::/10), carrier-grade NAT (100.64/10), "this host"
 * (0/8, ::), reserved and special ranges (192.0.0/24, 198.18/15, 240/4), multicast, and IPv4
 * addresses inside IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) judged as those.
 */
public final class PrivateAddresses {
  private PrivateAddresses() {}

  public static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isSiteLocalAddress()
        || address.isLinkLocalAddress()
        || address.isAnyLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      int third = b[2] & 0xff;
      return first == 0
          || first >= 240 // reserved 240/4 and broadcast
          || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
          || (first == 192 && second == 0 && third == 0) // IETF protocol assignments
          || (first == 198 && (second == 18 || second == 19)); // benchmarking 198.18/15
    }
    if (address instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // unique local fc00::/7
      }
      boolean nat64 =
          (b[0] & 0xff) == 0x00
              && (b[1] & 0xff) == 0x64
              && (b[2] & 0xff) == 0xff
              && (b[3] & 0xff) == 0x9b;
      for (int i = 4; i < 12 && nat64; i++) {
        nat64 = b[i] == 0;
      }
      if (nat64) {
        try {
          return isPrivate(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (java.net.UnknownHostException e) {
          return true;
        }
      }
      // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is judged as that IPv4 address.
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return isPrivate(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (java.net.UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }
}
