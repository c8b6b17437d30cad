package id.gelombang.registration.domain;

public enum Sex {
    M, F;

    static Sex parse(String value) {
        if ("M".equals(value)) {
            return M;
        }
        if ("F".equals(value)) {
            return F;
        }
        return null;
    }
}
