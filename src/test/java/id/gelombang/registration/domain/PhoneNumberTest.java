package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import id.gelombang.common.problem.FieldErrors;

class PhoneNumberTest {

    @ParameterizedTest(name = "{0} is stored as {1}")
    @CsvSource({
            "081234567890, +6281234567890",
            "6281234567890, +6281234567890",
            "+6281234567890, +6281234567890",
            "0812-3456-7890, +6281234567890",
            "0812345678, +62812345678",
            "0812345678901, +62812345678901",
    })
    void normalisesToE164(String input, String e164) {
        FieldErrors errors = new FieldErrors();
        assertThat(PhoneNumber.toE164(input, "phone", errors)).isEqualTo(e164);
        assertThat(errors.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = { "", "12345", "0212345678", "+6221234567", "081234567", "08123456789012", "+6581234567890", "08123abc890" })
    void refusesWhatIsNotAnIndonesianMobile(String input) {
        FieldErrors errors = new FieldErrors();
        assertThat(PhoneNumber.toE164(input, "phone", errors)).isNull();
        assertThat(errors.has("phone")).isTrue();
    }
}
