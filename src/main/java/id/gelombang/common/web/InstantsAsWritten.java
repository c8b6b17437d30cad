package id.gelombang.common.web;

import java.io.IOException;
import java.time.Instant;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * An instant is read as written: RFC 3339 and nothing around it. Jackson's own reader trims every
 * character up to space (control characters included) before parsing, so a wave would open at
 * a control character before {@code 2026-04-11T10:00:00Z} and a newline after it, which no date-time validator, and not the document,
 * accepts. Such a value is refused with 400 problem+json.
 */
@Singleton
public class InstantsAsWritten implements ObjectMapperCustomizer {

    /** Last, so that its reader is found before the one of the JavaTimeModule Quarkus registers. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("instants-as-written").addDeserializer(Instant.class, new Untrimmed()));
    }

    /** Jackson's own Instant reader, after a check that the string has nothing for it to trim. */
    private static final class Untrimmed extends StdScalarDeserializer<Instant> {

        Untrimmed() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                String text = p.getText();
                if (!text.isEmpty() && (text.charAt(0) <= ' ' || text.charAt(text.length() - 1) <= ' ')) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "characters around the date-time");
                }
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.DateTime;
        }
    }
}
