package org.openbell.agent.webrtc;

import java.util.List;

/**
 * Homes and an internet, made of network namespaces the test owns (nothing leaves them):
 *
 * <pre>
 *                       internet (broker, coturn)  100.64.79.1 | 100.64.80.1
 *                        /                                              \
 *   home router (NAT) 100.64.79.2                               100.64.80.2  phone router (NAT)
 *        bridge 192.168.79.1/24                                  10.80.1.1/24
 *        |            |             |                                 |
 *   door .2        LAN phone .3   root .10 (test JVM: agent)     away phone 10.80.1.2
 *   (media worker)  (Chromium)                                    (Chromium)
 * </pre>
 *
 * Both routers masquerade (nftables) and drop unsolicited packets from outside, like home routers:
 * endpoint-independent mappings, so STUN finds a path ("cone"). The agent reaches the broker through the home router.
 * The away phone also has a side link to the test's namespace (10.79.1.2 to 10.79.1.1), used only
 * to load the owner page from the agent at 192.168.79.10 (as a page kept open or served from
 * elsewhere would be); media cannot use it: no other route leads there.
 */
final class InternetTopology implements AutoCloseable {

    static final String INTERNET_HOME_SIDE = "100.64.79.1";
    static final String HOME_PUBLIC = "100.64.79.2";
    static final String PHONE_PUBLIC = "100.64.80.2";
    static final String DOOR = "192.168.79.2";
    static final String LAN_PHONE = "192.168.79.3";
    static final String AGENT = "192.168.79.10";

    final String internet;
    final String homeRouter;
    final String door;
    final String lanPhone;
    final String phoneRouter;
    final String phone;
    private final String rootLan;

    private InternetTopology(String tag) {
        internet = "obin" + tag;
        homeRouter = "obhr" + tag;
        door = "obdo" + tag;
        lanPhone = "oblp" + tag;
        phoneRouter = "obpr" + tag;
        phone = "obap" + tag;
        rootLan = "obl" + tag;
    }

    static InternetTopology create() {
        InternetTopology t = new InternetTopology(String.valueOf(ProcessHandle.current().pid() % 100000));
        try {
            t.build();
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void build() {
        close();
        for (String ns : List.of(internet, homeRouter, door, lanPhone, phoneRouter, phone)) {
            ip("netns", "add", ns);
            in(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            in(ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            ip("-n", ns, "link", "set", "lo", "up");
        }
        // The internet: one link to each router, forwarding between them.
        link(internet, "home", INTERNET_HOME_SIDE + "/24", homeRouter, "wan", HOME_PUBLIC + "/24");
        link(internet, "phone", "100.64.80.1/24", phoneRouter, "wan", PHONE_PUBLIC + "/24");
        in(internet, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // The home: a bridge on the router, the door, a phone and the test's namespace on it.
        ip("-n", homeRouter, "link", "add", "br0", "type", "bridge");
        ip("-n", homeRouter, "addr", "add", "192.168.79.1/24", "dev", "br0");
        ip("-n", homeRouter, "link", "set", "br0", "up");
        lanPort(door, "eth0", DOOR);
        lanPort(lanPhone, "eth0", LAN_PHONE);
        ip("link", "add", rootLan, "type", "veth", "peer", "name", "p-root", "netns", homeRouter);
        Namespaces.run("sysctl", "-q", "-w", "net.ipv6.conf." + rootLan + ".disable_ipv6=1");
        ip("addr", "add", AGENT + "/24", "dev", rootLan);
        ip("link", "set", rootLan, "up");
        ip("-n", homeRouter, "link", "set", "p-root", "master", "br0", "up");
        ip("route", "add", "100.64.0.0/16", "via", "192.168.79.1", "dev", rootLan); // the agent's way to the broker
        router(homeRouter, "100.64.79.1");
        for (String ns : List.of(door, lanPhone)) {
            ip("-n", ns, "route", "add", "default", "via", "192.168.79.1");
        }
        // The away phone behind its own router.
        link(phoneRouter, "lan", "10.80.1.1/24", phone, "eth0", "10.80.1.2/24");
        router(phoneRouter, "100.64.80.1");
        ip("-n", phone, "route", "add", "default", "via", "10.80.1.1");
    }

    /** nftables in {@code namespace}: a forward-chain rule (e.g. "ip daddr X udp dport != 3478 drop"). */
    void forwardRule(String namespace, String rule) {
        in(namespace, "nft", "add", "table", "inet", "test");
        in(namespace, "nft", "add", "chain", "inet", "test", "forward", "{ type filter hook forward priority 0 ; }");
        in(namespace, "nft", "add rule inet test forward " + rule);
    }

    void clearRules(String namespace) {
        try {
            in(namespace, "nft", "delete", "table", "inet", "test");
        } catch (IllegalStateException e) {
            // no rules: fine
        }
    }

    private void router(String ns, String gateway) {
        ip("-n", ns, "route", "add", "default", "via", gateway);
        in(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        in(ns, "nft", "add", "table", "ip", "nat");
        in(ns, "nft", "add", "chain", "ip", "nat", "postrouting", "{ type nat hook postrouting priority 100 ; }");
        in(ns, "nft", "add", "rule", "ip", "nat", "postrouting", "oifname", "wan", "masquerade");
        // Like any home router's firewall: unsolicited packets from outside are dropped, before
        // their connection-tracking entry is confirmed. (Delivered to the router instead, each would
        // leave an entry that makes the NAT pick another port for the phone's own packets to that
        // peer: no longer a cone NAT, and hole punching fails.)
        in(ns, "nft", "add", "table", "inet", "firewall");
        in(ns, "nft", "add", "chain", "inet", "firewall", "input", "{ type filter hook input priority 0 ; }");
        in(ns, "nft", "add", "rule", "inet", "firewall", "input", "iifname", "wan", "ct", "state", "new", "drop");
    }

    private void lanPort(String ns, String name, String address) {
        String port = "p-" + ns.substring(2, 4);
        ip("-n", homeRouter, "link", "add", port, "type", "veth", "peer", "name", name, "netns", ns);
        ip("-n", homeRouter, "link", "set", port, "master", "br0", "up");
        ip("-n", ns, "addr", "add", address + "/24", "dev", name);
        ip("-n", ns, "link", "set", name, "up");
    }

    private static void link(String a, String aName, String aAddress, String b, String bName, String bAddress) {
        ip("-n", a, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b);
        ip("-n", a, "addr", "add", aAddress, "dev", aName);
        ip("-n", a, "link", "set", aName, "up");
        ip("-n", b, "addr", "add", bAddress, "dev", bName);
        ip("-n", b, "link", "set", bName, "up");
    }

    private static void in(String ns, String... words) {
        String[] command = new String[words.length + 4];
        command[0] = "ip";
        command[1] = "netns";
        command[2] = "exec";
        command[3] = ns;
        System.arraycopy(words, 0, command, 4, words.length);
        Namespaces.run(command);
    }

    private static void ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Namespaces.run(command);
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IllegalStateException e) {
            // not there: fine
        }
    }

    @Override
    public void close() {
        quietly("route", "del", "100.64.0.0/16");
        quietly("link", "del", rootLan);
        for (String ns : List.of(internet, homeRouter, door, lanPhone, phoneRouter, phone)) {
            quietly("netns", "del", ns);
        }
    }
}
