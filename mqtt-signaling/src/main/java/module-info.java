/** Protocol v1 (messages, strict codec, topics, the broker's access rules) and the MQTT 5 link. */
module org.openbell.signaling {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.paho.mqttv5.client;
    requires org.slf4j;

    exports org.openbell.signaling;
    exports org.openbell.signaling.access;
    exports org.openbell.signaling.mqtt;
}
