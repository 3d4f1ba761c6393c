/** The doorbell's hardware behind small interfaces: Pi4J GPIO on a Pi, the simulated board elsewhere. */
module org.openbell.hardware {
    requires com.pi4j;
    requires com.pi4j.plugin.gpiod;
    requires com.pi4j.plugin.linuxfs;
    requires com.pi4j.plugin.mock;
    requires org.slf4j;

    exports org.openbell.hardware;
}
