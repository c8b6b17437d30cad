package id.gelombang.testing;

public final class TestWaves {

    /** Open from 2020 to 2099 with a large quota; defined by {@link LocalBackendsResource}. */
    public static final String OPEN = "TEST-OPEN";

    private TestWaves() {
    }
}
