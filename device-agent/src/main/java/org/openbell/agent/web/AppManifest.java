package org.openbell.agent.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The web app manifest (installable owner app): the doorbell's name, standalone display, the
 * start page, the theme colours of style.css, and the icons of {@link AppIcons}.
 */
final class AppManifest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AppManifest() {
    }

    static byte[] json(String deviceName) {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", deviceName + " · Openbell");
        m.put("short_name", deviceName.length() <= 12 ? deviceName : "Openbell");
        m.put("description", "Rings when someone is at " + deviceName + "; answer with video and talk back.");
        m.put("id", "/");
        m.put("start_url", "/");
        m.put("scope", "/");
        m.put("display", "standalone");
        m.put("orientation", "any");
        m.put("background_color", "#f8fafc");
        m.put("theme_color", "#1d4ed8");
        ArrayNode icons = m.putArray("icons");
        icons.addObject().put("src", "icons/icon-192.png").put("sizes", "192x192").put("type", "image/png").put("purpose", "any");
        icons.addObject().put("src", "icons/icon-512.png").put("sizes", "512x512").put("type", "image/png").put("purpose", "any");
        icons.addObject().put("src", "icons/icon-maskable-512.png").put("sizes", "512x512").put("type", "image/png").put("purpose", "maskable");
        try {
            return JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
