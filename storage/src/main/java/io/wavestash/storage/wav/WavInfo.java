package io.wavestash.storage.wav;

import io.wavestash.storage.SampleFormat;
import java.util.List;

/**
 * What a WAV file's header says, checked against its length.
 *
 * @param format sample format of the data (as a WAV file holds it)
 * @param dataOffset byte offset of the first sample frame in the file
 * @param declaredDataBytes data length the header declares, or -1 when it leaves it unset
 * @param dataBytes whole frames of data actually present
 * @param warnings problems that did not stop the read, such as data that ends early
 */
public record WavInfo(
        SampleFormat format, long dataOffset, long declaredDataBytes, long dataBytes, List<String> warnings) {
    public long frames() {
        return dataBytes / format.frameBytes();
    }
}
