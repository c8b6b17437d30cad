package id.gelombang.registration.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.PersonalDataProtection;

/** Seals a registration's personal data to its row id, and opens it again. */
@ApplicationScoped
public class PersonalDataCodec {

    private final PersonalDataProtection protection;
    private final ObjectMapper mapper;

    public PersonalDataCodec(PersonalDataProtection protection, ObjectMapper mapper) {
        this.protection = protection;
        this.mapper = mapper;
    }

    public byte[] seal(UUID registrationId, PersonalRecord record) {
        try {
            return protection.encrypt(mapper.writeValueAsBytes(record), "registration:" + registrationId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PersonalRecord open(UUID registrationId, byte[] sealed) {
        try {
            return mapper.readValue(protection.decrypt(sealed, "registration:" + registrationId), PersonalRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
