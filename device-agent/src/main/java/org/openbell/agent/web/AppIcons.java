package org.openbell.agent.web;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/**
 * The owner app's icons, drawn here (a white bell on the app's blue) in the sizes phones ask for:
 * 180 (iOS home screen), 192 and 512 (Android, the manifest), and 512 maskable (the bell inside
 * the 80 % safe zone, the background to the edges). Made once per size, on first request.
 */
final class AppIcons {

    static final Color BLUE = new Color(0x1d, 0x4e, 0xd8);
    private static final Map<String, byte[]> MADE = new ConcurrentHashMap<>();

    private AppIcons() {
    }

    /** The PNG for {@code /icons/<name>}, if it is one of ours. */
    static Optional<byte[]> png(String name) {
        return switch (name) {
            case "icon-180.png" -> Optional.of(MADE.computeIfAbsent(name, n -> draw(180, false)));
            case "icon-192.png" -> Optional.of(MADE.computeIfAbsent(name, n -> draw(192, false)));
            case "icon-512.png" -> Optional.of(MADE.computeIfAbsent(name, n -> draw(512, false)));
            case "icon-maskable-512.png" -> Optional.of(MADE.computeIfAbsent(name, n -> draw(512, true)));
            default -> Optional.empty();
        };
    }

    static byte[] draw(int size, boolean maskable) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(BLUE);
            if (maskable) {
                g.fillRect(0, 0, size, size);
            } else {
                g.fill(new RoundRectangle2D.Double(0, 0, size, size, size * 0.4, size * 0.4));
            }
            double scale = maskable ? 0.8 : 1.0; // the bell within the safe zone of a maskable icon
            double s = size * scale;
            double x0 = (size - s) / 2;
            double y0 = (size - s) / 2;
            g.setColor(Color.WHITE);
            // The bell: a dome widening to a flared rim, then the clapper below it.
            GeneralPath bell = new GeneralPath();
            bell.moveTo(x0 + s * 0.50, y0 + s * 0.18);
            bell.curveTo(x0 + s * 0.33, y0 + s * 0.18, x0 + s * 0.30, y0 + s * 0.33, x0 + s * 0.30, y0 + s * 0.48);
            bell.lineTo(x0 + s * 0.30, y0 + s * 0.60);
            bell.lineTo(x0 + s * 0.22, y0 + s * 0.70);
            bell.lineTo(x0 + s * 0.78, y0 + s * 0.70);
            bell.lineTo(x0 + s * 0.70, y0 + s * 0.60);
            bell.lineTo(x0 + s * 0.70, y0 + s * 0.48);
            bell.curveTo(x0 + s * 0.70, y0 + s * 0.33, x0 + s * 0.67, y0 + s * 0.18, x0 + s * 0.50, y0 + s * 0.18);
            bell.closePath();
            g.fill(bell);
            g.fill(new Ellipse2D.Double(x0 + s * 0.43, y0 + s * 0.72, s * 0.14, s * 0.10));
            g.setStroke(new BasicStroke((float) (s * 0.04), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Ellipse2D.Double(x0 + s * 0.46, y0 + s * 0.11, s * 0.08, s * 0.08));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
