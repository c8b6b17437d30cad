package id.gelombang.wave;

public enum WaveStatus {
    UPCOMING, OPEN, CLOSED
}
