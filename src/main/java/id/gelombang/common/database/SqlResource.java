package id.gelombang.common.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * A statement kept in a .sql resource of its own (its one home, which bench/ reads too), as it is
 * sent: without its comment lines, which explain it to readers, not to PostgreSQL.
 */
public final class SqlResource {

    private SqlResource() {
    }

    public static String load(String resource) {
        try (InputStream in = SqlResource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.strip().startsWith("--"))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
