package org.openbell.hardware;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalInputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalOutputProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the board the config asks for. The one place that knows about Raspberry Pi detection. */
public final class Boards {

    private static final Logger log = LoggerFactory.getLogger(Boards.class);
    private static final Path MODEL = Path.of("/proc/device-tree/model");

    private Boards() {
    }

    public static Board open(HardwareConfig config) {
        HardwareConfig.Mode mode = config.mode();
        if (mode == HardwareConfig.Mode.AUTO) {
            String model = raspberryPiModel();
            mode = model == null ? HardwareConfig.Mode.SIMULATED : HardwareConfig.Mode.GPIO;
            log.info("hardware.mode auto: {}", model == null ? "not a Raspberry Pi, simulating the board" : model);
        }
        return mode == HardwareConfig.Mode.SIMULATED ? new MockGpioBoard(config) : openGpio(config);
    }

    /** The board model if this is a Raspberry Pi, else null. */
    public static String raspberryPiModel() {
        try {
            String model = Files.readString(MODEL, StandardCharsets.UTF_8).replace("\u0000", "").trim();
            return model.contains("Raspberry Pi") ? model : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Board openGpio(HardwareConfig config) {
        String wiring = "button BCM" + config.buttonPin() + (config.buttonActiveLow() ? " active-low" : " active-high")
                + " pull-" + config.buttonPull().name().toLowerCase(java.util.Locale.ROOT)
                + ", chime BCM" + config.chimePin() + ", LED BCM" + config.ledPin();
        RuntimeException gpiodFailure;
        try {
            Context context = Pi4J.newContextBuilder().noAutoDetect()
                    .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance()).build();
            return open(context, config, GpioDDigitalInputProvider.ID, GpioDDigitalOutputProvider.ID, "Raspberry Pi GPIO via gpiod (" + wiring + ")");
        } catch (RuntimeException | LinkageError e) {
            gpiodFailure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            log.warn("gpiod GPIO unavailable ({}), trying the sysfs provider", e.toString());
        }
        try {
            Context context = Pi4J.newContextBuilder().noAutoDetect()
                    .add(LinuxFsDigitalInputProvider.newInstance(), LinuxFsDigitalOutputProvider.newInstance()).build();
            return open(context, config, LinuxFsDigitalInputProvider.ID, LinuxFsDigitalOutputProvider.ID, "Raspberry Pi GPIO via sysfs (" + wiring + ")");
        } catch (RuntimeException | LinkageError e) {
            HardwareUnavailableException failure = new HardwareUnavailableException(
                    "cannot open GPIO (gpiod: " + gpiodFailure.getMessage() + "; sysfs: " + e.getMessage()
                            + "). Is this a Raspberry Pi, and is the user in the 'gpio' group? Set hardware.mode: simulated to run without GPIO.",
                    e);
            failure.addSuppressed(gpiodFailure);
            throw failure;
        }
    }

    private static Board open(Context context, HardwareConfig config, String in, String out, String description) {
        try {
            return new GpioBoard(context, config, in, out, description);
        } catch (RuntimeException | LinkageError e) {
            context.shutdown();
            throw e;
        }
    }
}
