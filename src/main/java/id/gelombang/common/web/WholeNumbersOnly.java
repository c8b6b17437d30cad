package id.gelombang.common.web;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.function.Function;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * An integer field takes a whole JSON number, written {@code 5}, {@code 5.0} or {@code 5e0} (JSON
 * Schema's integer), and refuses {@code 5.5} with 400: Jackson would otherwise cut it to 5 and act
 * on a number the client never sent.
 */
@Singleton
public class WholeNumbersOnly implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("whole-numbers-only");
        module.addDeserializer(Integer.class, new Whole<>(Integer.class, BigDecimal::intValueExact));
        module.addDeserializer(Integer.TYPE, new Whole<>(Integer.TYPE, BigDecimal::intValueExact));
        module.addDeserializer(Long.class, new Whole<>(Long.class, BigDecimal::longValueExact));
        module.addDeserializer(Long.TYPE, new Whole<>(Long.TYPE, BigDecimal::longValueExact));
        mapper.registerModule(module);
    }

    /** Jackson's own deserializer for the type, except for floating-point tokens. */
    private static final class Whole<T> extends StdScalarDeserializer<T> {
        private final JsonDeserializer<?> standard;
        private final Function<BigDecimal, T> exact;

        @SuppressWarnings("unchecked")
        Whole(Class<?> type, Function<BigDecimal, T> exact) {
            super((Class<T>) type);
            this.standard = NumberDeserializers.find(type, type.getName());
            this.exact = exact;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
                return (T) standard.deserialize(p, ctxt);
            }
            BigDecimal value = p.getDecimalValue();
            try {
                return exact.apply(value.stripTrailingZeros());
            } catch (ArithmeticException e) {
                // A fraction, or a whole number out of the type's range.
                return (T) ctxt.handleWeirdNumberValue(handledType(), value, "not a whole number in range");
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public T getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return (T) standard.getNullValue(ctxt);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Integer;
        }
    }
}
