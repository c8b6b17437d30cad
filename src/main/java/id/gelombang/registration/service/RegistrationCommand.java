package id.gelombang.registration.service;

import id.gelombang.registration.domain.ApplicantRules.Submission;

/** A registration request as received: the raw submission and the optional wave code. */
public record RegistrationCommand(Submission submission, String waveCode) {
}
