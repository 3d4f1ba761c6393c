/** For an external Mosquitto: the configuration writer and the owner registrar. */
module org.openbell.brokertools {
    requires com.fasterxml.jackson.databind;
    requires org.openbell.signaling;
    requires org.slf4j;

    exports org.openbell.brokertools;
}
