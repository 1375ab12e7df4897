package io.wavestash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.wavestash.ingest.audio.AudioDevices;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "devices",
        description = "List the audio devices (javax.sound mixers) and the formats they capture and play.",
        mixinStandardHelpOptions = true)
final class DevicesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<AudioDevices.Device> devices = AudioDevices.list();
        if (json) {
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Map.of("devices", devices)));
        } else if (devices.isEmpty()) {
            out.println("no audio devices (on Linux, javax.sound needs an ALSA 'default' device or a sound card)");
        } else {
            for (AudioDevices.Device d : devices) {
                out.println("'" + d.name() + "'  " + d.description());
                print(out, "capture", d.captureFormats());
                print(out, "playback", d.playbackFormats());
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String direction, List<String> formats) {
        if (formats.isEmpty()) {
            out.println("  " + direction + ": none");
            return;
        }
        out.println("  " + direction + ":");
        formats.forEach(f -> out.println("    " + f));
    }
}
