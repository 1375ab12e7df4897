package io.wavestash.storage.wav;

import io.wavestash.storage.SampleFormat;
import io.wavestash.storage.SampleFormat.Encoding;
import io.wavestash.storage.SampleFormat.Endian;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes RIFF/WAVE headers: PCM and IEEE float, plain or {@code WAVE_FORMAT_EXTENSIBLE}, and
 * RF64 for data beyond 4 GiB. Reading checks every size against the file's real length.
 */
public final class WavHeader {
    private static final int TAG_PCM = 1;
    private static final int TAG_FLOAT = 3;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    private static final long UNSET = 0xFFFFFFFFL;
    /** The tail every standard KSDATAFORMAT_SUBTYPE GUID shares. */
    private static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
    };

    private WavHeader() {}

    /** Parses the header of the WAV file open in {@code in}; throws naming what is wrong. */
    public static WavInfo read(FileChannel in) throws IOException {
        long fileSize = in.size();
        if (fileSize == 0) {
            throw new WavFormatException("file is empty");
        }
        ByteBuffer riff = readAt(in, 0, 12);
        String magic = ascii(riff, 0);
        if (riff.limit() < 12
                || !ascii(riff, 8).equals("WAVE")
                || !(magic.equals("RIFF") || magic.equals("RF64") || magic.equals("RIFX"))) {
            if (riff.limit() < 12 && (magic.startsWith("RIFF".substring(0, Math.min(4, riff.limit()))))) {
                throw new WavFormatException("truncated header: the file has only " + fileSize + " bytes");
            }
            throw new WavFormatException("not a WAV file (no RIFF/WAVE header)");
        }
        if (magic.equals("RIFX")) {
            throw new WavFormatException("big-endian RIFX WAV files are not supported");
        }
        boolean rf64 = magic.equals("RF64");
        long riffEnd = 8 + u32(riff, 4);
        boolean riffUnset = u32(riff, 4) == UNSET || u32(riff, 4) == 0;
        long ds64Data = -1;
        SampleFormat format = null;
        long pos = 12;
        while (true) {
            ByteBuffer head = readAt(in, pos, 8);
            if (head.limit() < 8) {
                throw new WavFormatException(
                        format == null
                                ? "truncated header: no complete fmt chunk in " + fileSize + " bytes"
                                : "truncated header: no data chunk in " + fileSize + " bytes");
            }
            String id = ascii(head, 0);
            long size = u32(head, 4);
            if (id.equals("data")) {
                if (format == null) {
                    throw new WavFormatException("malformed header: data chunk comes before the fmt chunk");
                }
                long dataOffset = pos + 8;
                long declared = rf64 && size == UNSET ? ds64Data : size;
                return checkData(format, dataOffset, declared, riffUnset || rf64 ? -1 : riffEnd, fileSize);
            }
            if (pos + 8 + size > fileSize) {
                throw new WavFormatException("truncated header: " + id.trim() + " chunk at byte " + pos + " declares "
                        + size + " bytes but the file ends at " + fileSize);
            }
            if (id.equals("fmt ")) {
                format = parseFormat(readAt(in, pos + 8, (int) Math.min(size, 64)), size);
            } else if (id.equals("ds64") && rf64) {
                ByteBuffer ds64 = readAt(in, pos + 8, 24);
                if (ds64.limit() < 24) {
                    throw new WavFormatException("truncated header: ds64 chunk is too short");
                }
                riffEnd = 8 + ds64.getLong(0);
                ds64Data = ds64.getLong(8);
            }
            pos += 8 + size + (size & 1);
        }
    }

    private static WavInfo checkData(SampleFormat format, long dataOffset, long declared, long riffEnd, long fileSize)
            throws WavFormatException {
        List<String> warnings = new ArrayList<>();
        int frame = format.frameBytes();
        long available = fileSize - dataOffset;
        boolean unset = declared < 0 || declared == UNSET || (declared == 0 && available > 0);
        if (unset) {
            declared = -1;
            warnings.add("the header leaves the data length unset (an unfinished recording?); reading the " + available
                    + " bytes that follow it");
        } else {
            if (riffEnd >= 0 && dataOffset + declared > riffEnd + 1) {
                throw new WavFormatException("inconsistent sizes: the data chunk declares " + declared
                        + " bytes, beyond the end of the RIFF chunk (" + (riffEnd - dataOffset)
                        + " bytes of data at most)");
            }
            if (declared % frame != 0 && dataOffset + declared <= fileSize) {
                throw new WavFormatException("inconsistent sizes: the data chunk declares " + declared
                        + " bytes, not a whole number of " + frame + "-byte frames");
            }
        }
        long present = unset ? available : Math.min(declared, Math.max(0, available));
        long whole = present - present % frame;
        if (whole <= 0) {
            throw new WavFormatException(
                    declared > 0
                            ? "no samples: the header declares " + declared + " bytes of audio, the file holds "
                                    + Math.max(0, available)
                            : "no samples: the data chunk is empty");
        }
        String partial = whole == present
                ? ""
                : "; the last " + (present - whole) + " bytes are not a whole frame and are left out";
        if (!unset && dataOffset + declared > fileSize) {
            warnings.add("data ends early: the header declares " + declared + " bytes of audio, the file holds "
                    + available + "; importing the " + (whole / frame) + " whole frames present" + partial);
        } else if (!partial.isEmpty()) {
            warnings.add("the data does not end on a frame boundary" + partial);
        }
        return new WavInfo(format, dataOffset, declared, whole, List.copyOf(warnings));
    }

    private static SampleFormat parseFormat(ByteBuffer fmt, long size) throws WavFormatException {
        if (size < 16 || fmt.limit() < 16) {
            throw new WavFormatException("malformed header: fmt chunk has " + size + " bytes, at least 16 are needed");
        }
        int tag = u16(fmt, 0);
        int channels = u16(fmt, 2);
        long rate = u32(fmt, 4);
        long byteRate = u32(fmt, 8);
        int blockAlign = u16(fmt, 12);
        int bits = u16(fmt, 14);
        boolean isFloat;
        if (tag == TAG_EXTENSIBLE) {
            if (size < 40 || fmt.limit() < 40) {
                throw new WavFormatException(
                        "malformed header: WAVE_FORMAT_EXTENSIBLE fmt chunk has " + size + " bytes, 40 are needed");
            }
            int sub = u16(fmt, 24);
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (fmt.get(26 + i) != GUID_TAIL[i]) {
                    throw new WavFormatException(
                            "unsupported encoding: WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID");
                }
            }
            tag = sub;
            if (tag != TAG_PCM && tag != TAG_FLOAT) {
                throw new WavFormatException("unsupported encoding: extensible sub-format " + describeTag(sub)
                        + "; wavestash reads PCM and IEEE float");
            }
        }
        if (tag != TAG_PCM && tag != TAG_FLOAT) {
            throw new WavFormatException(
                    "unsupported encoding: format tag " + describeTag(tag) + "; wavestash reads PCM and IEEE float");
        }
        isFloat = tag == TAG_FLOAT;
        if (channels == 0) {
            throw new WavFormatException("malformed header: 0 channels");
        }
        if (rate == 0 || rate > SampleFormat.MAX_SAMPLE_RATE_HZ) {
            throw new WavFormatException("malformed header: sample rate " + rate + " Hz");
        }
        SampleFormat format;
        try {
            Encoding encoding = isFloat ? Encoding.FLOAT : bits == 8 ? Encoding.UNSIGNED : Encoding.SIGNED;
            format = new SampleFormat((int) rate, bits, channels, encoding, Endian.LITTLE);
        } catch (IllegalArgumentException e) {
            throw new WavFormatException("unsupported format: " + e.getMessage());
        }
        if (blockAlign != format.frameBytes()) {
            throw new WavFormatException("inconsistent header: block align " + blockAlign + " does not match "
                    + channels + " channels of " + bits + "-bit samples (" + format.frameBytes() + " bytes)");
        }
        if (byteRate != rate * blockAlign) {
            throw new WavFormatException("inconsistent header: byte rate " + byteRate + " does not match " + rate
                    + " Hz x " + blockAlign + " bytes per frame");
        }
        return format;
    }

    /** Header length for a format, when the data is below 4 GiB. */
    public static int length(SampleFormat format) {
        return usesExtensible(format) ? 68 : 44;
    }

    /** Header of a WAV file holding {@code dataBytes} of {@code format} (which must be WAV-native). */
    public static ByteBuffer write(SampleFormat format, long dataBytes) {
        if (!format.isWavNative()) {
            throw new IllegalArgumentException(
                    "WAV files hold " + format.wavNative().describe() + ", not " + format.describe());
        }
        boolean extensible = usesExtensible(format);
        int fmtSize = extensible ? 40 : 16;
        boolean rf64 = dataBytes + 8 + 4 + 8 + fmtSize + 36 > UNSET;
        int headerBytes = 12 + (rf64 ? 36 : 0) + 8 + fmtSize + 8;
        ByteBuffer b = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        long riffSize = headerBytes - 8 + dataBytes + (dataBytes & 1);
        b.put((rf64 ? "RF64" : "RIFF").getBytes(StandardCharsets.US_ASCII)).putInt(rf64 ? -1 : (int) riffSize);
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        if (rf64) {
            b.put("ds64".getBytes(StandardCharsets.US_ASCII)).putInt(28);
            b.putLong(riffSize)
                    .putLong(dataBytes)
                    .putLong(dataBytes / format.frameBytes())
                    .putInt(0);
        }
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(fmtSize);
        int tag = format.encoding() == Encoding.FLOAT ? TAG_FLOAT : TAG_PCM;
        b.putShort((short) (extensible ? TAG_EXTENSIBLE : tag)).putShort((short) format.channels());
        b.putInt(format.sampleRateHz()).putInt(format.sampleRateHz() * format.frameBytes());
        b.putShort((short) format.frameBytes()).putShort((short) format.bitsPerSample());
        if (extensible) {
            b.putShort((short) 22).putShort((short) format.bitsPerSample()).putInt(channelMask(format.channels()));
            b.putShort((short) tag).put(GUID_TAIL);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(rf64 ? -1 : (int) dataBytes);
        return b.flip();
    }

    private static boolean usesExtensible(SampleFormat format) {
        return format.channels() > 2 || format.bitsPerSample() > 16;
    }

    /** Speaker positions in the standard order for up to 8 channels; none beyond. */
    private static int channelMask(int channels) {
        return switch (channels) {
            case 1 -> 0x4;
            case 2 -> 0x3;
            case 3 -> 0x7;
            case 4 -> 0x33;
            case 5 -> 0x37;
            case 6 -> 0x3F;
            case 7 -> 0x13F;
            case 8 -> 0x63F;
            default -> 0;
        };
    }

    private static String describeTag(int tag) {
        String name =
                switch (tag) {
                    case 2 -> " (ADPCM)";
                    case 6 -> " (A-law)";
                    case 7 -> " (mu-law)";
                    case 0x11 -> " (IMA ADPCM)";
                    case 0x31 -> " (GSM 6.10)";
                    case 0x55 -> " (MP3)";
                    default -> "";
                };
        return String.format("0x%04X%s", tag, name);
    }

    private static ByteBuffer readAt(FileChannel in, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (in.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }

    private static String ascii(ByteBuffer b, int at) {
        int n = Math.max(0, Math.min(4, b.limit() - at));
        byte[] bytes = new byte[n];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static long u32(ByteBuffer b, int at) {
        return b.limit() >= at + 4 ? Integer.toUnsignedLong(b.getInt(at)) : 0;
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }
}
