package id.gelombang.common.web;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * An empty string is not a date, a number, an enum value or an object: Jackson would read it as
 * null, and a PATCH would then take {@code "opensAt": ""} for "leave opensAt as it is" and answer
 * 200. It is refused as malformed JSON instead (400 problem+json, nothing changed). Strings stay
 * strings: an empty name or code is still checked by the rules that own it.
 */
@Singleton
public class EmptyStringsAreNotValues implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
}
