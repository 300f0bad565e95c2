package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;

import java.util.List;

/**
 * The BSQ-VAE ({@code AutoEncoder}): conv {@link Encoder}, {@link MultiScaleQuantizer} (BSQ with d bits per
 * cell), conv {@link Decoder}. Parameter names are the official checkpoint keys ({@code encoder.*},
 * {@code decoder.*}, the quantizer's only state, the buffer {@code quantizer.lfq.mask} = 2^(d-1) .. 2^0).
 * Owns its NDManager: close it when done.
 */
public class BsqVae extends Module implements AutoCloseable {
    private final VaeConfig config;
    public final Encoder encoder;
    public final MultiScaleQuantizer quantizer;
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
        quantizer = new MultiScaleQuantizer(BinarySphericalQuantizer.builder(config.codebookDim())
                .entropyLossWeight(config.entropyLossWeight())
                .commitmentLossWeight(config.commitmentLossWeight())
                .diversityGamma(config.diversityGamma())
                .build());
        long[] mask = new long[config.codebookDim()];
        for (int i = 0; i < mask.length; i++) mask[i] = 1L << (mask.length - 1 - i); // wraps at d = 64 like torch int64
        buffer("quantizer.lfq.mask", manager.create(mask));
    }

    public VaeConfig config() { return config; }

    /** What the last checkpoint load could not place (null for a randomly initialised model). */
    public ParameterLoader.Report loadReport() { return loadReport; }

    void setLoadReport(ParameterLoader.Report report) { loadReport = report; }

    /** Image (B, 3, H, W) in [-1, 1] → multi-scale code along {@code schedule} (its last scale must be H/p x W/p). */
    public MultiScaleCode encode(NDArray image, ScaleSchedule schedule) {
        return quantize(encoder.forward(image), schedule);
    }

    /** Latent h (B, d, H, W) → multi-scale code; checks that the schedule ends at the latent size. */
    public MultiScaleCode quantize(NDArray h, ScaleSchedule schedule) {
        Shape s = h.getShape();
        if (schedule.last().h() != s.get(2) || schedule.last().w() != s.get(3)) {
            throw new IllegalArgumentException("scale schedule " + schedule + " must end at the latent size " + s.get(2) + "x" + s.get(3));
        }
        return quantizer.encode(h, schedule);
    }

    /** Decoder output clamped to [-1, 1] ({@code AutoEncoder.decode}): z (B, d, h, w) → (B, 3, h*p, w*p). */
    public NDArray decode(NDArray z) {
        return decoder.forward(z).clip(-1, 1);
    }

    /** {@code decode_from_indices} with bit labels: per-scale bits (B, h, w, d) → image (B, 3, H, W). */
    public NDArray decodeBits(List<NDArray> bits, ScaleSchedule schedule) {
        return decode(quantizer.decode(bits, schedule));
    }

    @Override
    public void close() {
        manager.close();
    }
}
