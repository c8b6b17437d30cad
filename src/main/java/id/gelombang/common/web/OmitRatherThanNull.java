package id.gelombang.common.web;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.util.AccessPattern;

/**
 * An optional request field: left out, it takes its default (or, in a change, stays as it is); an
 * explicit {@code null} is refused with 400 problem+json, because the document declares no field
 * nullable and a generated client must not learn that null works. Jackson's own
 * {@code @JsonSetter(nulls = FAIL)} cannot say this for a record: it refuses the absent field too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
@JacksonAnnotationsInside
@JsonDeserialize(using = OmitRatherThanNull.Deserializer.class)
public @interface OmitRatherThanNull {

    /** The field type's own deserializer, except that a JSON null fails while an absent field stays null. */
    final class Deserializer extends JsonDeserializer<Object> implements ContextualDeserializer {

        private final JsonDeserializer<Object> delegate;
        private final BeanProperty property;

        public Deserializer() {
            this(null, null);
        }

        private Deserializer(JsonDeserializer<Object> delegate, BeanProperty property) {
            this.delegate = delegate;
            this.property = property;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) throws JsonMappingException {
            return new Deserializer(ctxt.findContextualValueDeserializer(property.getType(), property), property);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
            return delegate.deserialize(parser, ctxt);
        }

        @Override
        public Object getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            throw InvalidNullException.from(ctxt, property.getFullName(), property.getType());
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        @Override
        public AccessPattern getNullAccessPattern() {
            return AccessPattern.DYNAMIC;
        }
    }
}
