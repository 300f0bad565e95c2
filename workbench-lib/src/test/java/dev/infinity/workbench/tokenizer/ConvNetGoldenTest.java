package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.parity.CaseReport;
import dev.infinity.workbench.parity.GoldenCase;
import dev.infinity.workbench.parity.TestPaths;
import dev.infinity.workbench.parity.Tolerance;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The conv encoder and decoder alone against the golden tiny VAE (decoder fed the golden z). */
class ConvNetGoldenTest {
    static final Path CASE = TestPaths.shared().resolve("golden/vae/img128");

    @Test
    void encoderAndDecoderMatchGolden() {
        assumeTrue(Files.isDirectory(CASE), "no golden vae case");
        GoldenCase golden = new GoldenCase(CASE);
        VaeConfig cfg = VaeConfig.fromOfficialArgs(golden.json().getAsJsonObject("construct").getAsJsonObject("autoencoder_args"));
        assertEquals(VaeConfig.tiny(), cfg);
        try (BsqVae vae = VaeLoader.load(golden.resolve("../vae.pth"), cfg); NDManager m = vae.manager().newSubManager()) {
            Encoder.Features f = vae.encoder.features(golden.load("image").toNDArray(m));
            CaseReport report = new CaseReport(golden);
            report.compare("h", HostTensor.of(f.h()));
            report.compare("encoder_mid_out", HostTensor.of(f.mid()));
            NDArray recon = vae.decode(golden.load("z").toNDArray(m));
            report.compare("recon", HostTensor.of(recon));
            for (Tolerance.Check c : report.checks()) {
                System.out.println(c);
                assertTrue(c.pass(), c.toString());
            }
        }
    }
}
