package id.gelombang.common.web;

import java.io.IOException;
import java.time.Instant;
import java.util.regex.Pattern;

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
 * An instant is read as written: RFC 3339 ({@link #PATTERN}, which the OpenAPI document declares),
 * then by Jackson. Jackson alone also takes what no date-time validator, and not the document,
 * accepts: characters up to space around the value (it trims them, control characters included), a
 * signed year ({@code -2026-...}) and a decimal point without digits ({@code 10:00:00.Z}). Such a
 * value is refused with 400 problem+json.
 */
@Singleton
public class InstantsAsWritten implements ObjectMapperCustomizer {

    /**
     * RFC 3339 as java.time's ISO_INSTANT reads it: days that exist, a four-digit year, at most nine
     * digits of fraction and an offset of at most 18 hours (RFC 3339 allows 23:59; java.time refuses
     * more than 18:00), with nothing around it.
     */
    public static final String PATTERN = "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
            + "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
            + "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
            + "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?"
            + "(?:[Zz]|[+-](?:(?:0[0-9]|1[0-7]):[0-5][0-9]|18:00))$";
    private static final Pattern RFC_3339 = Pattern.compile(PATTERN);

    /** Last, so that its reader is found before the one of the JavaTimeModule Quarkus registers. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("instants-as-written").addDeserializer(Instant.class, new Untrimmed()));
    }

    /** Jackson's own Instant reader, after a check that the string is RFC 3339 and nothing more. */
    private static final class Untrimmed extends StdScalarDeserializer<Instant> {

        Untrimmed() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                String text = p.getText();
                if (!RFC_3339.matcher(text).matches()) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 date-time");
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
