package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;

/**
 * The BSQ-VAE ({@code AutoEncoder}): conv {@link Encoder}, multi-scale binary spherical quantizer,
 * conv {@link Decoder}. Parameter names are the official checkpoint keys ({@code encoder.*}, {@code decoder.*},
 * {@code quantizer.lfq.mask}). Owns its NDManager: close it when done.
 */
public class BsqVae extends Module implements AutoCloseable {
    private final VaeConfig config;
    public final Encoder encoder;
    public final Decoder decoder;
    private ParameterLoader.Report loadReport;

    /** Random initialisation on the workbench device. */
    public BsqVae(VaeConfig config) {
        this(NDManager.newBaseManager(Devices.resolve()), config);
    }

    public BsqVae(NDManager manager, VaeConfig config) {
        super(manager);
        this.config = config;
        encoder = child("encoder", new Encoder(manager, config));
        decoder = child("decoder", new Decoder(manager, config));
    }

    public VaeConfig config() { return config; }

    /** What the last checkpoint load could not place (null for a randomly initialised model). */
    public ParameterLoader.Report loadReport() { return loadReport; }

    void setLoadReport(ParameterLoader.Report report) { loadReport = report; }

    /** Decoder output clamped to [-1, 1] ({@code AutoEncoder.decode}): z (B, d, h, w) → (B, 3, h*p, w*p). */
    public NDArray decode(NDArray z) {
        return decoder.forward(z).clip(-1, 1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
