package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The visual tokenizer for notebooks: image ↔ multi-scale bit code.
 * <pre>
 *   Tokenizer tok = Tokenizer.load(Path.of("infinity_vae_d32reg.pth"), "d32-reg");
 *   BufferedImage recon = tok.reconstruct(ImageIO.read(file));
 * </pre>
 * Images are prepared like official inference ({@link ImagePreprocessor}) at the pixel size of the dynamic-
 * resolution template nearest to their aspect ratio, for the chosen pixel budget (default 0.06M = 256x256
 * for square images). Codes returned by {@code encode} live until the tokenizer is closed.
 */
public final class Tokenizer implements AutoCloseable {
    private final BsqVae vae;
    private final NDManager results;
    private String pixelBudget = "0.06M";

    private Tokenizer(BsqVae vae) {
        this.vae = vae;
        this.results = vae.manager().newSubManager();
    }

    /** Official weights ({@code {'vae': state_dict}} .pth or safetensors) with a preset: d16, d24, d32, d64, d32-reg, tiny. */
    public static Tokenizer load(Path weights, String preset) { return load(weights, VaeConfig.preset(preset)); }

    public static Tokenizer load(Path weights, VaeConfig config) { return new Tokenizer(VaeLoader.load(weights, config)); }

    /** A randomly initialised tokenizer (for training or benchmarks). */
    public static Tokenizer create(VaeConfig config) { return new Tokenizer(new BsqVae(config)); }

    /** Wraps an existing model (e.g. one being trained); closing the tokenizer closes the model. */
    public static Tokenizer of(BsqVae vae) { return new Tokenizer(vae); }

    public BsqVae vae() { return vae; }
    public VaeConfig config() { return vae.config(); }

    /** Pixel budget of the dynamic-resolution tables: 0.06M, 0.25M, 0.60M or 1M. */
    public Tokenizer pixelBudget(String budget) {
        DynamicResolution.entry(1.0, budget); // validates
        this.pixelBudget = budget;
        return this;
    }

    /** Pixel size (h, w) an image of this aspect ratio is resized and cropped to. */
    public int[] pixelSize(double hDivW) {
        DynamicResolution.Entry e = DynamicResolution.forAspect(hDivW, pixelBudget);
        return new int[] {e.pixelH(), e.pixelW()};
    }

    /** An image → code: preprocess to the template pixel size, encode, quantize with the template schedule. */
    public MultiScaleCode encode(BufferedImage image) {
        int p = config().patchSize();
        if (image.getWidth() < p || image.getHeight() < p) {
            throw new IllegalArgumentException("image " + image.getWidth() + "x" + image.getHeight() + " is smaller than one latent cell (" + p + "x" + p + " pixels)");
        }
        int[] hw = pixelSize((double) image.getHeight() / image.getWidth());
        float[] chw = ImagePreprocessor.toTensor(image, hw[0], hw[1]);
        try (NDManager scope = results.newSubManager()) {
            return encode(scope.create(chw, new Shape(1, 3, hw[0], hw[1])));
        }
    }

    /** A tensor (B, C, H, W) in [-1, 1] → code, with the schedule that ends at the latent size ({@link #scheduleFor}). */
    public MultiScaleCode encode(NDArray images) {
        Shape s = images.getShape();
        checkImages(s);
        int p = config().patchSize();
        return encode(images, scheduleFor((int) s.get(2) / p, (int) s.get(3) / p));
    }

    /** A tensor (B, C, H, W) in [-1, 1] → code along an explicit schedule (its last scale must be H/p x W/p). */
    public MultiScaleCode encode(NDArray images, ScaleSchedule schedule) {
        checkImages(images.getShape());
        try (NDManager scope = results.newSubManager()) {
            NDArray x = images.toDevice(scope.getDevice(), true);
            x.attach(scope);
            if (x.isNaN().any().getBoolean()) throw new IllegalArgumentException("input image contains NaN");
            MultiScaleCode code = vae.encode(x, schedule);
            keep(code);
            return code;
        }
    }

    /** Code → images (B, 3, H, W) in [-1, 1], decoded from the bits (what a generator produces). */
    public NDArray decode(MultiScaleCode code) {
        try (NDManager scope = results.newSubManager()) {
            List<NDArray> bits = new ArrayList<>();
            for (NDArray b : code.bits()) {
                NDArray copy = b.duplicate(); // temporaries follow their inputs' manager: work on copies in the scope
                copy.attach(scope);
                bits.add(copy);
            }
            NDArray img = vae.decodeBits(bits, code.schedule());
            img.attach(results);
            return img;
        }
    }

    /** Code → the first image of the batch. */
    public BufferedImage decodeImage(MultiScaleCode code) {
        try (NDArray images = decode(code)) {
            return toImages(images).get(0);
        }
    }

    /** Encode then decode: what the tokenizer keeps of an image, at the template pixel size. */
    public BufferedImage reconstruct(BufferedImage image) { return decodeImage(encode(image)); }

    /**
     * Encode then decode at the image's own size (no template resize; H and W must be multiples of the patch size).
     * Nothing outlives the call, so it can run over a whole data set.
     */
    public BufferedImage reconstructAtOwnSize(BufferedImage image) {
        int h = image.getHeight(), w = image.getWidth(), p = config().patchSize();
        try (NDManager scope = results.newSubManager()) {
            NDArray x = scope.create(ImagePreprocessor.toTensor(image, h, w), new Shape(1, 3, h, w));
            checkImages(x.getShape());
            ScaleSchedule schedule = scheduleFor(h / p, w / p);
            return toImages(vae.decodeBits(vae.encode(x, schedule).bits(), schedule)).get(0);
        }
    }

    /**
     * The schedule for a latent of h x w cells: the prefix of the nearest aspect template's full scale list
     * that ends at (h, w) (the 1.0 template gives 1, 2, 4, 6, 8, 12, 16, ...). A patch-8 tokenizer has twice
     * the latent cells of the patch-16 tables, so every scale is doubled, as the official spatial patchify does.
     */
    public ScaleSchedule scheduleFor(int latentH, int latentW) {
        int f = Math.max(1, DynamicResolution.VAE_STRIDE / config().patchSize());
        double template = DynamicResolution.nearestTemplate((double) latentH / latentW);
        String longest = DynamicResolution.PIXEL_BUDGETS.get(DynamicResolution.PIXEL_BUDGETS.size() - 1);
        ScaleSchedule full = DynamicResolution.entry(template, longest).scales();
        List<ScaleSchedule.Scale> scales = new ArrayList<>();
        for (ScaleSchedule.Scale s : full) {
            scales.add(new ScaleSchedule.Scale(s.h() * f, s.w() * f));
            if (s.h() * f == latentH && s.w() * f == latentW) return ScaleSchedule.of(scales);
        }
        throw new IllegalArgumentException("no scale schedule ends at a " + latentH + "x" + latentW + " latent (template h/w " + template
                + ": " + full + (f > 1 ? " x" + f : "") + "); resize the image or pass a schedule");
    }

    /** Batch (B, 3, H, W) in [-1, 1] → images. */
    public static List<BufferedImage> toImages(NDArray images) {
        Shape s = images.getShape();
        int b = (int) s.get(0), h = (int) s.get(2), w = (int) s.get(3);
        float[] all = images.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            float[] one = new float[3 * h * w];
            System.arraycopy(all, i * one.length, one, 0, one.length);
            out.add(ImagePreprocessor.toImage(one, h, w));
        }
        return out;
    }

    private void checkImages(Shape s) {
        int p = config().patchSize();
        if (s.dimension() != 4 || s.get(1) != config().imageChannels()) {
            throw new IllegalArgumentException("images must be (B, " + config().imageChannels() + ", H, W), got shape " + s);
        }
        if (s.get(2) < p || s.get(3) < p) {
            throw new IllegalArgumentException("image " + s.get(2) + "x" + s.get(3) + " is smaller than one latent cell (" + p + "x" + p + " pixels)");
        }
        if (s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new IllegalArgumentException("image size " + s.get(2) + "x" + s.get(3) + " is not a multiple of the patch size " + p);
        }
    }

    /** Moves the arrays a caller keeps from the per-call scope to the tokenizer's lifetime. */
    private void keep(MultiScaleCode code) {
        code.quantized().attach(results);
        code.bits().forEach(a -> a.attach(results));
        code.varInputs().forEach(a -> a.attach(results));
        code.quantizerInputs().forEach(a -> a.attach(results));
        code.perScale().forEach(q -> {
            q.quantized().attach(results);
            q.bits().attach(results);
            q.normalized().attach(results);
        });
    }

    @Override
    public void close() {
        vae.close();
    }
}
