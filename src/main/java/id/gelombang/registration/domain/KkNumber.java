package id.gelombang.registration.domain;

import id.gelombang.common.problem.FieldErrors;

/** A family-card number: the NIK's region prefix, a DDMMYY date of issue and a serial from 0001. */
public final class KkNumber {

    /** Every number {@link #parse} accepts (for the OpenAPI document). */
    public static final String PATTERN = RegionCode.pattern(false);

    private final String digits;

    private KkNumber(String digits) {
        this.digits = digits;
    }

    public String digits() {
        return digits;
    }

    public static KkNumber parse(String value, String field, FieldErrors errors) {
        if (!RegionCode.hasValidShape(value, field, errors)) {
            return null;
        }
        int day = Integer.parseInt(value.substring(6, 8));
        int month = Integer.parseInt(value.substring(8, 10));
        int year = Integer.parseInt(value.substring(10, 12));
        if (!RegionCode.isDateInSomeCentury(day, month, year)) {
            errors.add(field, "encodes an issue date that does not exist");
            return null;
        }
        return new KkNumber(value);
    }

    @Override
    public String toString() {
        return Nik.mask(digits);
    }
}
