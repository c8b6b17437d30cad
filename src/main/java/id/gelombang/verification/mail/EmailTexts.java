package id.gelombang.verification.mail;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What the mails that bring a registrant back say, in Indonesian and then English. They name the
 * registration only by its masked NIK and its wave code: no name, no full NIK, no token, and no
 * link that carries a secret (the site's plain address at most), so a mail read over someone's
 * shoulder or forwarded opens nothing; the way in is the code, or the site's own "come back" step.
 */
public final class EmailTexts {

    /** The outcomes a registrant is told of. */
    public enum Outcome {
        /** The civil registry did not match the registered details: the registration was released. */
        NIK_REJECTED,
        /** Someone else asked for the NIK and this registration never confirmed its email address: released unchecked. */
        RELEASED_EMAIL_UNCONFIRMED,
        /** The wave's draw selected the registration. */
        SELECTED,
        /** The wave's draw did not select it. */
        NOT_SELECTED,
        /** An operator voided it: an identity check outside the system proved it was made with someone else's NIK. */
        VOIDED
    }

    private EmailTexts() {
    }

    /** The access code a registrant asked for; the code is also in the subject, as phones show it. */
    public static OutgoingEmail accessCode(String to, String maskedNik, String waveCode, String code, Duration lifetime,
            Optional<URI> site) {
        long minutes = lifetime.toMinutes();
        return new OutgoingEmail(to, "Kode masuk Gelombang: " + code, """
                Kode masuk Anda: %1$s

                Ada permintaan kode untuk membuka pendaftaran NIK %2$s (gelombang %3$s). Masukkan kode ini di \
                halaman pendaftaran%4$s, pada "Sudah mendaftar? Cek status". Kode berlaku %5$d menit dan hanya \
                dapat dipakai sekali. Jika Anda tidak memintanya, abaikan email ini: tanpa kode ini tidak ada yang \
                dapat membuka pendaftaran Anda.

                ---

                Your Gelombang sign-in code: %1$s

                Someone asked for a code to open the registration of NIK %2$s (wave %3$s). Enter it on the \
                registration page%6$s, under "Already registered? Check status". It works once, for %5$d minutes. \
                If you did not ask for it, ignore this email: without the code nobody can open your registration.
                """.formatted(code, maskedNik, waveCode, address(site), minutes, address(site)));
    }

    /** The notice that a registration's outcome was decided, telling the registrant to come back for details. */
    public static OutgoingEmail outcome(String to, Outcome outcome, String maskedNik, String waveCode, Optional<URI> site) {
        String comeBack = """
                Rinciannya ada di halaman pendaftaran%1$s: pilih "Sudah mendaftar? Cek status", masukkan NIK dan \
                tanggal lahir Anda, lalu kode yang kami kirim ke alamat email ini.""".formatted(address(site));
        String comeBackEn = """
                The details are on the registration page%1$s: choose "Already registered? Check status" and enter \
                your NIK, your date of birth and the code we send to this address.""".formatted(address(site));
        return switch (outcome) {
            case NIK_REJECTED -> new OutgoingEmail(to, "Pendaftaran Gelombang " + waveCode + ": data tidak cocok dengan Dukcapil", """
                    Pemeriksaan NIK %1$s untuk gelombang %2$s sudah selesai: data yang didaftarkan tidak cocok dengan \
                    data kependudukan (Dukcapil). Pendaftaran ini ditolak dan NIK itu dilepas.

                    Yang dapat Anda lakukan:
                    - Jika NIK itu milik Anda, daftar lagi di gelombang ini selama masih dibuka, dengan nama, tanggal \
                    lahir dan jenis kelamin persis seperti di KTP.
                    - Jika data di KTP Anda sudah benar, periksa data Anda di kantor Dukcapil setempat.
                    - Jika Anda tidak pernah mendaftar dengan NIK itu, seseorang memakainya: pendaftarannya sudah \
                    ditolak, dan pemilik NIK dapat mendaftar sendiri.

                    %3$s

                    ---

                    The check of NIK %1$s for wave %2$s is done: the registered details do not match the civil \
                    registry (Dukcapil). This registration was rejected and the NIK released.

                    What you can do:
                    - If the NIK is yours, register again in this wave while it is open, with your name, date of \
                    birth and sex exactly as on your KTP.
                    - If the details on your KTP are right, have your record checked at your Dukcapil office.
                    - If you never registered with this NIK, someone else used it: their registration was rejected, \
                    and the NIK's owner can now register.

                    %4$s
                    """.formatted(maskedNik, waveCode, comeBack, comeBackEn));
            case RELEASED_EMAIL_UNCONFIRMED -> new OutgoingEmail(to, "Pendaftaran Gelombang " + waveCode + ": NIK dilepas", """
                    Pendaftaran NIK %1$s untuk gelombang %2$s dilepas: orang lain mendaftar dengan NIK itu, dan alamat \
                    email pendaftaran ini tidak dikonfirmasi dengan kode yang kami kirim dalam waktu yang diberikan. \
                    NIK itu tidak diperiksa ke Dukcapil.

                    Jika NIK itu milik Anda, daftar lagi di gelombang ini selama masih dibuka, lalu segera masukkan \
                    kode yang kami kirim ke alamat email Anda.

                    %3$s

                    ---

                    The registration of NIK %1$s for wave %2$s was released: someone else registered with that NIK, \
                    and this registration's email address was not confirmed with the code we sent in the time given. \
                    The NIK was not checked with the civil registry (Dukcapil).

                    If the NIK is yours, register again in this wave while it is open, and enter the code we send to \
                    your email address right away.

                    %4$s
                    """.formatted(maskedNik, waveCode, comeBack, comeBackEn));
            case SELECTED -> new OutgoingEmail(to, "Pendaftaran Gelombang " + waveCode + ": Anda terpilih", """
                    Undian gelombang %2$s sudah dilakukan: pendaftaran NIK %1$s terpilih. Langkah berikutnya \
                    diumumkan di halaman pendaftaran.

                    %3$s

                    ---

                    The draw of wave %2$s has been made: the registration of NIK %1$s was selected. The next steps \
                    are announced on the registration page.

                    %4$s
                    """.formatted(maskedNik, waveCode, comeBack, comeBackEn));
            case NOT_SELECTED -> new OutgoingEmail(to, "Pendaftaran Gelombang " + waveCode + ": hasil undian", """
                    Undian gelombang %2$s sudah dilakukan: pendaftaran NIK %1$s tidak terpilih kali ini. Anda dapat \
                    mendaftar di gelombang berikutnya. Peringkat Anda dan benih undian yang diumumkan ada di halaman \
                    pendaftaran, sehingga Anda dapat memeriksa undiannya sendiri.

                    %3$s

                    ---

                    The draw of wave %2$s has been made: the registration of NIK %1$s was not selected this time. You \
                    may register in a later wave. Your rank and the published seed are on the registration page, so \
                    you can check the draw yourself.

                    %4$s
                    """.formatted(maskedNik, waveCode, comeBack, comeBackEn));
            // Nothing to come back to: the registration and its data are erased once this is mailed.
            case VOIDED -> new OutgoingEmail(to, "Pendaftaran Gelombang " + waveCode + ": dibatalkan", """
                    Pendaftaran NIK %1$s di gelombang %2$s dibatalkan oleh petugas program: pemeriksaan identitas                     oleh pemilik NIK itu menunjukkan bahwa pendaftaran ini dibuat tanpa sepengetahuannya. NIK itu                     sudah dilepas untuk pemiliknya, dan data pendaftaran ini sudah dihapus.

                    Jika Anda pemilik NIK itu dan menurut Anda ini keliru, datanglah ke layanan bantuan program atau                     kantor Dukcapil dengan KTP Anda.

                    ---

                    The registration of NIK %1$s in wave %2$s was voided by the programme's staff: an identity check                     by the NIK's owner showed that it was made without their knowledge. The NIK was released to its                     owner, and this registration's data has been erased.

                    If the NIK is yours and you believe this is a mistake, come to the programme's help desk or a                     Dukcapil office with your KTP.
                    """.formatted(maskedNik, waveCode));
        };
    }

    /** " (https://…)" after "the registration page", or nothing. */
    private static String address(Optional<URI> site) {
        return site.map(uri -> " (" + uri + ")").orElse("");
    }
}
