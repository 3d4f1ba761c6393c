package org.openbell.agent.push;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openbell.signaling.PushFormats;

/**
 * Which push endpoints the doorbell will connect to: https only, a push service on the allowed
 * list, and never an address on the home network (loopback, private, link-local, unique local,
 * carrier-grade NAT, multicast, unspecified), checked on every address the name resolves to.
 * An owner's subscription must not make the doorbell probe the LAN.
 */
public final class PushEndpoints {

    /** Resolves a host name (the seam for tests of the address rules). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<String> allowedHosts;
    private final boolean allowPrivateNetworks;
    private final Resolver resolver;

    public PushEndpoints(List<String> allowedHosts, boolean allowPrivateNetworks, Resolver resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    public static PushEndpoints of(PushConfig config) {
        return new PushEndpoints(config.allowedHosts(), config.allowPrivateNetworks(), InetAddress::getAllByName);
    }

    /** Empty when the doorbell may send to {@code endpoint}; else why not, in words. Resolves the host. */
    public Optional<String> problem(String endpoint) {
        if (!PushFormats.isEndpoint(endpoint)) {
            return Optional.of("not an https URL of the accepted shape");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("not a URL: " + e.getReason());
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null || !"https".equals(uri.getScheme())) {
            return Optional.of("not an https URL with a host");
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        if (!allowed(host.toLowerCase(Locale.ROOT), port)) {
            return Optional.of(host + (port == 443 ? "" : ":" + port) + " is not a push service this doorbell sends to (push.allowedHosts)");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of(host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!allowPrivateNetworks && isHomeNetwork(address)) {
                return Optional.of(host + " resolves to " + address.getHostAddress() + ", an address on a private network");
            }
        }
        return Optional.empty();
    }

    private boolean allowed(String host, int port) {
        for (String entry : allowedHosts) {
            String name = entry;
            int entryPort = 443;
            int colon = entry.lastIndexOf(':');
            if (colon > 0) {
                name = entry.substring(0, colon);
                entryPort = Integer.parseInt(entry.substring(colon + 1));
            }
            boolean nameMatches = name.startsWith("*.") ? host.endsWith(name.substring(1)) && host.length() > name.length() - 1
                    : host.equals(name);
            if (nameMatches && port == entryPort) {
                return true;
            }
        }
        return false;
    }

    /** Loopback, private, link-local, unique local, CGNAT, multicast, unspecified, or IPv4 inside IPv6 of those. */
    static boolean isHomeNetwork(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second <= 127 // carrier-grade NAT 100.64/10
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 // IETF protocol assignments 192.0.0/24
                    || first >= 240; // reserved, broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // unique local fc00::/7
                return true;
            }
            boolean mapped = true; // ::ffff:a.b.c.d
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isHomeNetwork(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            if (nat64) { // 64:ff9b::/96 carries IPv4
                try {
                    return isHomeNetwork(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
