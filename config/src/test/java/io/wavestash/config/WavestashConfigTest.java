package io.wavestash.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WavestashConfigTest {
    static WavestashConfig parse(String yaml) {
        return ConfigFile.parse("test.yaml", yaml, WavestashConfig::from);
    }

    @Test
    void emptyFileMeansDefaults() {
        assertThat(parse("")).isEqualTo(WavestashConfig.defaults());
        assertThat(WavestashConfig.defaults().store().layout()).isEqualTo(Layout.SEGMENTS);
        assertThat(WavestashConfig.defaults().store().template()).isEqualTo("{sensor}/{session}/{block:014d}.seg");
    }

    @Test
    void chunksAreTheDefaultLayoutWhereSegmentFilesCannotBe() {
        assertThat(parse("store: {codec: wav}\n").store().layout()).isEqualTo(Layout.CHUNKS);
        assertThat(parse("store: {codec: wav}\n").store().template()).isEqualTo("{sensor}/{session}/{block:014d}.wav");
        assertThat(parse("store: {codec: raw}\n").store().layout()).isEqualTo(Layout.SEGMENTS);
        StoreConfig bucket = parse(
                        "store: {backend: s3, s3: {endpoint: \"http://127.0.0.1:9000\", bucket: audio, accessKey: a, secretKey: s}}\n")
                .store();
        assertThat(bucket.layout()).isEqualTo(Layout.CHUNKS);
        assertThat(bucket.template()).isEqualTo("{sensor}/{session}/{block:014d}.pcm");
    }

    @Test
    void theRingGrowsWithTheSensorsUnlessSized() {
        StringBuilder many = new StringBuilder("sensors:\n");
        for (int i = 0; i < 1000; i++) {
            many.append("  - {id: s").append(i).append(", source: tone}\n");
        }
        assertThat(parse("sensors:\n  - {id: a, source: tone}\n").ingest().ringSize())
                .isEqualTo(IngestConfig.DEFAULT_RING_SIZE);
        assertThat(parse(many.toString()).ingest().ringSize()).isEqualTo(16_384);
        assertThat(parse(many + "ring: {size: 4096}\n").ingest().ringSize()).isEqualTo(4096);
        assertThat(IngestConfig.defaultRingSize(2000)).isEqualTo(32_768);
        assertThat(IngestConfig.defaultRingSize(1_000_000)).isEqualTo(1 << 20);
    }

    @Test
    void theRingHasAConsumerForEveryFiveHundredSensorsUpToTheProcessorsUnlessSaid() {
        assertThat(IngestConfig.defaultRingConsumers(1, 8)).isEqualTo(1);
        assertThat(IngestConfig.defaultRingConsumers(500, 8)).isEqualTo(1);
        assertThat(IngestConfig.defaultRingConsumers(501, 8)).isEqualTo(2);
        assertThat(IngestConfig.defaultRingConsumers(2000, 2)).isEqualTo(2);
        assertThat(IngestConfig.defaultRingConsumers(2000, 1)).isEqualTo(1);
        assertThat(IngestConfig.defaultRingConsumers(1_000_000, 128)).isEqualTo(IngestConfig.MAX_RING_CONSUMERS);
        assertThat(parse("sensors:\n  - {id: a, source: tone}\n").ingest().ringConsumers())
                .isEqualTo(1);
        assertThat(parse("ring: {consumers: 3}\nsensors:\n  - {id: a, source: tone}\n")
                        .ingest()
                        .ringConsumers())
                .isEqualTo(3);
        assertThatThrownBy(() -> parse("ring: {size: 4, consumers: 3}\nsensors:\n  - {id: a, source: tone}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ring.consumers")
                .hasMessageContaining("4 slots");
        assertThatThrownBy(() -> parse("ring: {consumers: 0}\nsensors:\n  - {id: a, source: tone}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ring.consumers");
    }

    @Test
    void theRingRunsAtNormalPriorityUnlessRealTimeIsAskedFor() {
        assertThat(parse("sensors:\n  - {id: a, source: tone}\n").ingest().ringPriority())
                .isEqualTo(RingPriority.NORMAL);
        assertThat(parse("ring: {priority: realtime}\nsensors:\n  - {id: a, source: tone}\n")
                        .ingest()
                        .ringPriority())
                .isEqualTo(RingPriority.REALTIME);
        assertThatThrownBy(() -> parse("ring: {priority: high}\nsensors:\n  - {id: a, source: tone}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ring.priority")
                .hasMessageContaining("normal, realtime")
                .hasMessageContaining("'high'");
    }

    @Test
    void readsTheHttpSection() {
        HttpConfig http = parse(
                        """
                http:
                  port: 8081
                  bind: 0.0.0.0
                  token: a-token-of-twenty-chars
                  maxWindowHours: 48
                  maxJsonWindowSeconds: 30.5
                  maxStreams: 64
                """)
                .http();
        assertThat(http)
                .isEqualTo(new HttpConfig(
                        8081,
                        "0.0.0.0",
                        "a-token-of-twenty-chars",
                        java.time.Duration.ofHours(48),
                        java.time.Duration.ofMillis(30_500),
                        64));
        assertThat(parse("").http()).isEqualTo(HttpConfig.defaults());
        assertThatThrownBy(
                        () -> parse(
                                """
                http:
                  port: 70000
                  token: short
                  maxWindowHours: forever
                  maxStreams: 0
                  colour: red
                """))
                .hasMessageContaining("test.yaml:2: http.port:")
                .hasMessageContaining("test.yaml:3: http.token: expected at least 16 characters, found 5")
                .hasMessageContaining("test.yaml:4: http.maxWindowHours: expected a number of hours, found 'forever'")
                .hasMessageContaining("test.yaml:5: http.maxStreams:")
                .hasMessageContaining("test.yaml:6: http.colour: unknown field")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void readsEveryStoreField() {
        StoreConfig store = parse(
                        """
                store:
                  path: /data/audio
                  layout: segments
                  template: "{device}/{sensor}/{session:yyyy}/{session}/{block:014d}.seg"
                  codec: raw
                  fsync: chunk
                  segmentSeconds: 300
                  device: edge-7
                """)
                .store();
        assertThat(store)
                .isEqualTo(new StoreConfig(
                        Path.of("/data/audio"),
                        Layout.SEGMENTS,
                        "{device}/{sensor}/{session:yyyy}/{session}/{block:014d}.seg",
                        Codec.RAW,
                        FsyncPolicy.CHUNK,
                        300,
                        "edge-7"));
    }

    @Test
    void everyProblemIsReportedWithLineAndField() {
        assertThatThrownBy(
                        () -> parse(
                                """
                store:
                  layout: tree
                  codec: mp3
                  segmentSeconds: -1
                  device: "../x"
                  lyout: chunks
                """))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "test.yaml:2: store.layout: expected one of chunks, segments, found 'tree'",
                                        "test.yaml:3: store.codec: expected one of raw, wav, found 'mp3'",
                                        "test.yaml:5: store.device: expected 1-64 characters of A-Z a-z 0-9 . _ -, found '../x'",
                                        "test.yaml:4: store.segmentSeconds: expected a number from 1 to 86400, found -1",
                                        "test.yaml:6: store.lyout: unknown field; expected one of backend, path, layout, codec, device, template, fsync, segmentSeconds, s3"));
    }

    @Test
    void s3StoresAndMirrorsAreReadAndCheckedField(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        WavestashConfig ok = parse(
                """
                store:
                  path: local
                mirror:
                  device: edge-1
                  s3: {endpoint: "http://127.0.0.1:9000", bucket: audio, prefix: site-a/, accessKey: a, secretKey: b}
                """);
        assertThat(ok.mirror().target().template()).isEqualTo("{device}/{sensor}/{session}/{block:014d}.pcm");
        assertThat(ok.mirror().target().device()).isEqualTo("edge-1");
        assertThat(ok.mirror().target().s3().bucket()).isEqualTo("audio");
        assertThat(ok.mirror().target().s3().pathStyle()).isTrue();
        assertThat(ok.mirror().target().s3().toString())
                .doesNotContain("b}")
                .isEqualTo("s3://audio/site-a/ at http://127.0.0.1:9000");
        WavestashConfig s3Only = parse("store:\n  s3: {bucket: audio}\n");
        assertThat(s3Only.store().backend()).isEqualTo(Backend.S3);
        assertThat(s3Only.store().s3().endpoint()).isNull();
        assertThatThrownBy(
                        () -> parse(
                                """
                store:
                  backend: s3
                  layout: segments
                  template: "{device}/{sensor}/{session}/{block}"
                  s3: {endpoint: "ftp://x", bucket: "Audio_Bucket", prefix: "/abs", accessKey: a}
                mirror:
                  intervalMillis: 0
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "test.yaml:3: store.layout: an S3 store keeps one object per chunk (layout: chunks);"
                                        + " objects cannot be written in place as segment files are",
                                "test.yaml:5: store.s3.endpoint: expected an http:// or https:// URL with a host,"
                                        + " found 'ftp://x'",
                                "test.yaml:5: store.s3.bucket: expected 3-63 characters of a-z 0-9 . - (an S3 bucket"
                                        + " name), found 'Audio_Bucket'",
                                "test.yaml:5: store.s3.prefix: expected a relative path ending in '/', like 'site-a/',"
                                        + " found '/abs'",
                                "test.yaml: store.s3.secretKey: accessKey and secretKey go together",
                                "test.yaml: mirror.device: is required: template"
                                        + " '{device}/{sensor}/{session}/{block:014d}.pcm' has {device}",
                                "test.yaml:7: mirror.intervalMillis: expected a number from 10 to 3600000, found 0",
                                "test.yaml: mirror.s3: a mirror needs the bucket to copy to",
                                "test.yaml: mirror.s3.bucket: is required for an S3 store",
                                "test.yaml:6: mirror: mirrors a local store; this store is already in S3"));
    }

    @Test
    void wrongShapesAreNamed() {
        assertThatThrownBy(() -> parse("store: 5\n"))
                .hasMessage("test.yaml:1: store: expected a mapping of fields, found '5'");
        assertThatThrownBy(() -> parse("store:\n  path: [a, b]\n"))
                .hasMessage("test.yaml:2: store.path: expected a string, found a list");
        assertThatThrownBy(() -> parse("- a\n- b\n"))
                .hasMessage("test.yaml: expected a mapping of fields at the top level");
        assertThatThrownBy(() -> parse("store:\n  path: 'unclosed\n"))
                .hasMessageStartingWith("test.yaml:")
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> parse("stor:\n  path: x\n"))
                .hasMessage(
                        "test.yaml:1: stor: unknown field; expected one of store, sensors, journal, ring, metrics, dsp, clock, retention, http, mirror");
        assertThatThrownBy(() -> parse("store:\n  layout: segments\n  codec: wav\n"))
                .hasMessageContaining("store.codec: the segments layout stores raw PCM");
    }

    @Test
    void sensorAndDaemonFieldsAreCheckedWithTheirLines() {
        assertThatThrownBy(() -> parse("sensors:\n  - {id: m, source: mic, bits: 24, encoding: float}\n"))
                .hasMessage("test.yaml:2: sensors[0].bits: float samples have 32 or 64 bits, found 24");
        assertThatThrownBy(() -> parse("sensors:\n  - {id: m, source: tone, seconds: -1}\n"))
                .hasMessage("test.yaml:2: sensors[0].seconds: expected a number of seconds greater than 0, found '-1'");
        assertThatThrownBy(() -> parse("dsp:\n  silenceDbfs: 3\n"))
                .hasMessage("test.yaml:2: dsp.silenceDbfs: expected a level in dBFS from -200 to 0, found '3'");
        assertThatThrownBy(() -> parse("retention:\n  maxAgeHours: soon\n"))
                .hasMessage(
                        "test.yaml:2: retention.maxAgeHours: expected a number of hours greater than 0, found 'soon'");
        assertThatThrownBy(() -> parse("sensors:\n  - {id: m, source: mic, driftPpm: 50}\n"))
                .hasMessage("test.yaml:2: sensors[0].driftPpm: a microphone's clock drifts by itself;"
                        + " driftPpm is for wav and tone sources");
        assertThatThrownBy(() -> parse("sensors:\n  - {id: t, source: tone, driftPpm: 20000}\n"))
                .hasMessage("test.yaml:2: sensors[0].driftPpm: expected parts per million from -10000 to 10000,"
                        + " found '20000'");
        assertThatThrownBy(() -> parse("clock:\n  anchorSeconds: 10\n  toleranceMs: 0\n"))
                .hasMessage("test.yaml:3: clock.toleranceMs: expected milliseconds from 0.01 to 10000, found '0'");
        WavestashConfig ok = parse("sensors:\n  - {id: m, source: mic, seconds: 2.5, bits: 32, encoding: float}\n"
                + "  - {id: t, source: tone, driftPpm: -75.5}\n"
                + "clock: {anchorSeconds: 5, toleranceMs: 0.5}\n"
                + "retention: {maxAgeHours: 48, minFreeMiB: 512, checkSeconds: 5}\n");
        assertThat(ok.ingest().sensors().get(1).driftPpm()).isEqualTo(-75.5);
        assertThat(ok.ingest().clock()).isEqualTo(new ClockConfig(5, 0.5));
        assertThat(ok.ingest().sensors().get(0).limit()).isEqualTo(java.time.Duration.ofMillis(2500));
        assertThat(ok.ingest().sensors().get(0).encoding()).isEqualTo(SampleEncoding.FLOAT);
        assertThat(ok.ingest().retention())
                .isEqualTo(new RetentionConfig(java.time.Duration.ofHours(48), 512L << 20, 5));
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> WavestashConfig.load(Path.of("no/such.yaml")))
                .hasMessage("no/such.yaml: config file not found");
    }
}
