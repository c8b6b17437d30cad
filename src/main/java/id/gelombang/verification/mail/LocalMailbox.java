package id.gelombang.verification.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.verification.VerificationConfig;

/**
 * The mail transport of the local run and of tests without LocalStack: mail is kept in memory
 * (the last {@value #CAPACITY} messages) instead of being sent, and optionally written to a
 * directory as the local run's inbox. Never logged.
 */
@ApplicationScoped
public class LocalMailbox {

    static final int CAPACITY = 1_000;

    public record Delivered(OutgoingEmail email, Instant at) {
    }

    private final List<Delivered> delivered = new ArrayList<>();
    private final Optional<Path> directory;
    private final Clock clock;

    public LocalMailbox(VerificationConfig config, Clock clock) {
        this.directory = config.email().localDirectory();
        this.clock = clock;
    }

    public synchronized void deliver(OutgoingEmail email) {
        Delivered mail = new Delivered(email, clock.instant());
        if (delivered.size() == CAPACITY) {
            delivered.remove(0);
        }
        delivered.add(mail);
        directory.ifPresent(dir -> write(dir, mail));
    }

    private static void write(Path dir, Delivered mail) {
        try {
            Files.createDirectories(dir);
            String name = mail.at().toString().replace(':', '-') + "-" + System.nanoTime() + ".txt";
            Files.writeString(dir.resolve(name), "To: " + mail.email().to() + "\nSubject: " + mail.email().subject()
                    + "\n\n" + mail.email().body(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The local inbox is not writable", e);
        }
    }

    /** Messages to one address, oldest first. */
    public synchronized List<Delivered> to(String address) {
        return delivered.stream().filter(d -> d.email().to().equalsIgnoreCase(address)).toList();
    }
}
