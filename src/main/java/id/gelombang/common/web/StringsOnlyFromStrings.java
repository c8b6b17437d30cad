package id.gelombang.common.web;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * A text field takes a JSON string only: Jackson would read {@code "ticket": false} as "false" and
 * {@code "code": 42} as "42", and act on text the client never wrote (a support ticket named
 * "false"). A number or boolean there is refused with 400 problem+json, as the document's
 * {@code type: string} says. MapperFeature.ALLOW_COERCION_OF_SCALARS does not reach this: Jackson
 * does not count text among its scalars.
 */
@Singleton
public class StringsOnlyFromStrings implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }
}
