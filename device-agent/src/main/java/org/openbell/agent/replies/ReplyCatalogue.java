package org.openbell.agent.replies;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openbell.signaling.Capabilities;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.QuickReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick replies a doorbell can play: those that ship with it (spoken at build time, in the
 * agent's jar under {@code openbell-replies/}) and the owner's own WAV files in
 * {@code stateDir/replies} (a file's name is its label: {@code Back-in-five-minutes.wav} is
 * "Back in five minutes"; one named like a shipped reply's id replaces it). At most
 * {@link Capabilities#MAX_REPLIES}, each at most {@link #MAX_FILE_BYTES}; a file that is not a
 * 16-bit PCM WAV is skipped with a warning that says why. Read once, at start.
 */
public final class ReplyCatalogue {

    private static final Logger log = LoggerFactory.getLogger(ReplyCatalogue.class);
    static final String SHIPPED = "/openbell-replies/";
    static final long MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final Map<String, ReplySound> replies;

    ReplyCatalogue(List<ReplySound> replies) {
        Map<String, ReplySound> byId = new LinkedHashMap<>();
        replies.forEach(r -> byId.put(r.id(), r));
        this.replies = java.util.Collections.unmodifiableMap(byId);
    }

    /** The shipped replies, then the owner's own in {@code folder} (which need not exist). */
    public static ReplyCatalogue load(Path folder) {
        Map<String, ReplySound> all = new LinkedHashMap<>();
        shipped().forEach(r -> all.put(r.id(), r));
        int shipped = all.size();
        for (ReplySound own : own(folder)) {
            if (all.size() >= Capabilities.MAX_REPLIES && !all.containsKey(own.id())) {
                log.warn("Quick replies: {} skipped: at most {} replies", own.source(), Capabilities.MAX_REPLIES);
                continue;
            }
            all.put(own.id(), own);
        }
        ReplyCatalogue catalogue = new ReplyCatalogue(List.copyOf(all.values()));
        if (shipped == 0) {
            log.warn("Quick replies: this build ships none (it was built without espeak-ng); {} of the owner's own from {}",
                    catalogue.replies.size(), folder);
        } else {
            log.info("Quick replies: {} ({} shipped, own files from {})", catalogue.replies.size(), shipped, folder);
        }
        return catalogue;
    }

    /** The replies, in the order owners see them. */
    public List<QuickReply> list() {
        return replies.values().stream().map(ReplySound::reply).toList();
    }

    public Optional<ReplySound> find(String replyId) {
        return Optional.ofNullable(replies.get(replyId));
    }

    /** The reply whose label is {@code label} (Home Assistant's select sends the option it shows). */
    public Optional<ReplySound> byLabel(String label) {
        return replies.values().stream().filter(r -> r.reply().label().equals(label)).findFirst();
    }

    private static List<ReplySound> shipped() {
        List<ReplySound> list = new ArrayList<>();
        byte[] index = resource("index.tsv");
        if (index == null) {
            return list;
        }
        for (String line : new String(index, StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.split("\t", 2);
            if (parts.length != 2) {
                continue;
            }
            byte[] wav = resource(parts[0] + ".wav");
            try {
                if (wav == null) {
                    throw new IllegalArgumentException("missing from the build");
                }
                list.add(new ReplySound(new QuickReply(parts[0], parts[1].strip()), WavSound.read(wav), "shipped " + parts[0]));
            } catch (IllegalArgumentException e) {
                log.error("Quick replies: the shipped reply {} is broken ({}); left out", parts[0], e.getMessage());
            }
        }
        return list;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ReplyCatalogue.class.getResourceAsStream(SHIPPED + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            log.error("Quick replies: cannot read {}{}: {}", SHIPPED, name, e.toString());
            return null;
        }
    }

    private static List<ReplySound> own(Path folder) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder)) {
            dir.forEach(files::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            log.warn("Quick replies: cannot list {}: {}", folder, e.toString());
            return List.of();
        }
        files.sort(null);
        List<ReplySound> list = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.toLowerCase(Locale.ROOT).endsWith(".wav") || !Files.isRegularFile(file)) {
                if (!name.startsWith(".")) {
                    log.warn("Quick replies: {} skipped: only .wav files play (16-bit PCM)", LogSafe.text(file.toString()));
                }
                continue;
            }
            String stem = name.substring(0, name.length() - 4);
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
                }
                QuickReply reply = new QuickReply(idOf(stem), labelOf(stem));
                list.add(new ReplySound(reply, WavSound.read(Files.readAllBytes(file)), file.toString()));
            } catch (IllegalArgumentException | IOException e) {
                log.warn("Quick replies: {} skipped: {}", LogSafe.text(file.toString()), LogSafe.text(e.getMessage()));
            }
        }
        return list;
    }

    /** A file name's reply id: lower case, runs of anything but letters and digits made one dash. */
    static String idOf(String stem) {
        String id = stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("its name gives no id (use letters or digits)");
        }
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    /** A file name's label: dashes and underscores as spaces, the first letter capital, at most 40 characters. */
    static String labelOf(String stem) {
        String label = stem.replaceAll("[-_]+", " ").strip().replaceAll("\\p{Cntrl}", "");
        if (label.isEmpty()) {
            throw new IllegalArgumentException("its name gives no label");
        }
        label = label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);
        int max = QuickReply.MAX_LABEL;
        return label.codePointCount(0, label.length()) <= max ? label : label.substring(0, label.offsetByCodePoints(0, max)).strip();
    }
}
