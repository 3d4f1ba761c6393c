package org.openbell.media.worker;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.openbell.media.channel.JpegImage;

/**
 * Encodes camera frames as JPEG with the JDK's own encoder (headless: no display needed), at the
 * best quality that fits a byte budget: a snapshot must fit one MQTT message, a thumbnail one push
 * notification. Tries a few qualities from high to low, then a smaller picture.
 */
final class JpegEncoder {

    private static final float[] QUALITIES = {0.8f, 0.65f, 0.5f, 0.35f, 0.2f};

    private JpegEncoder() {
    }

    /**
     * {@code image} at most {@code maxWidth} wide and {@code maxBytes} long, or empty if even the
     * lowest quality at a quarter of that width does not fit.
     */
    static Optional<JpegImage> fit(I420Image image, int maxWidth, int maxBytes) {
        for (int width = maxWidth; width >= Math.max(16, maxWidth / 4); width /= 2) {
            I420Image scaled = image.fitWidth(width);
            BufferedImage rgb = toRgb(scaled);
            for (float quality : QUALITIES) {
                byte[] jpeg = encode(rgb, quality);
                if (jpeg.length <= maxBytes) {
                    return Optional.of(new JpegImage(scaled.width(), scaled.height(), jpeg));
                }
            }
        }
        return Optional.empty();
    }

    /** BT.601 limited-range YUV to RGB, what cameras and libwebrtc's I420 frames use. */
    static BufferedImage toRgb(I420Image image) {
        int w = image.width();
        int h = image.height();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((DataBufferByte) rgb.getRaster().getDataBuffer()).getData();
        byte[] ys = image.y();
        byte[] us = image.u();
        byte[] vs = image.v();
        int cw = I420Image.chromaWidth(w);
        for (int row = 0; row < h; row++) {
            int crow = (row / 2) * cw;
            for (int x = 0; x < w; x++) {
                int c = (ys[row * w + x] & 0xff) - 16;
                int d = (us[crow + x / 2] & 0xff) - 128;
                int e = (vs[crow + x / 2] & 0xff) - 128;
                int i = (row * w + x) * 3;
                out[i] = clamp((298 * c + 516 * d + 128) >> 8);
                out[i + 1] = clamp((298 * c - 100 * d - 208 * e + 128) >> 8);
                out[i + 2] = clamp((298 * c + 409 * e + 128) >> 8);
            }
        }
        return rgb;
    }

    private static byte clamp(int value) {
        return (byte) (value < 0 ? 0 : value > 255 ? 255 : value);
    }

    private static byte[] encode(BufferedImage rgb, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("the JPEG encoder failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Loads and runs the encoder once (a worker does this while warming, so the first ring's picture is fast). */
    static void warm() {
        fit(new I420Image(16, 16, new byte[256], new byte[64], new byte[64]), 16, 100_000);
    }
}
