package io.wavestash.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bench programs' arguments: a bad one is refused naming it. */
class ArgsTest {
    @Test
    void givenValuesAreReadAndDefaultsFillTheRest() {
        Args args = new Args(new String[] {"--sensors", "12", "--store", "/s"});
        assertThat(args.positive("sensors")).isEqualTo(12);
        assertThat(args.integer("seconds", 7)).isEqualTo(7);
        assertThat(args.text("store", null)).isEqualTo("/s");
    }

    @Test
    void aBadArgumentIsRefusedNamingIt() {
        assertThatThrownBy(() -> new Args(new String[] {"--sensors"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--sensors");
        assertThatThrownBy(() -> new Args(new String[] {"--chunks", "1", "--chunks", "2"}))
                .hasMessageContaining("repeated --chunks");
        assertThatThrownBy(() -> new Args(new String[] {}).positive("chunk-bytes"))
                .hasMessageContaining("missing --chunk-bytes");
        assertThatThrownBy(() -> new Args(new String[] {"--sensors", "ten"}).positive("sensors"))
                .hasMessageContaining("--sensors")
                .hasMessageContaining("'ten'");
        assertThatThrownBy(() -> new Args(new String[] {"--seconds", "1.5"}).integer("seconds", 3))
                .hasMessageContaining("--seconds");
        assertThatThrownBy(() -> new Args(new String[] {"--chunks", "0"}).positive("chunks"))
                .hasMessageContaining("--chunks must be positive");
    }
}
