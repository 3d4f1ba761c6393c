/** Web Push message encryption (RFC 8291) and VAPID (RFC 8292), with the JDK's crypto. */
module org.openbell.push {
    exports org.openbell.push;
}
