package dev.infinity.workbench.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Decodes image files (JPEG, PNG, BMP, GIF) and converts them to packed 8-bit RGB, as PIL's {@code convert('RGB')}. */
public final class ImageLoader {
    private ImageLoader() {}

    /**
     * Reads an image; a missing file, an unknown format, a decoding error or a decoder warning (e.g. a
     * truncated JPEG, which the official loader also refuses) is an {@link IOException} naming the file.
     */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "image file not found");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException(file + ": cannot open");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException(file + ": not a readable image (unknown format)");
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(in, true, true);
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) throw new IOException(file + ": corrupt image (" + warnings.get(0) + ")");
                if (img.getWidth() <= 0 || img.getHeight() <= 0) throw new IOException(file + ": empty image");
                return img;
            } catch (RuntimeException e) { // decoders throw unchecked exceptions on some broken files
                throw new IOException(file + ": corrupt image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            if (e instanceof NoSuchFileException || String.valueOf(e.getMessage()).startsWith(file.toString())) throw e;
            throw new IOException(file + ": corrupt image (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Interleaved 8-bit RGB, row-major ({@code h * w * 3} bytes). Grey images repeat the grey level (no
     * gamma conversion, unlike {@code getRGB} on a linear-grey colour space); alpha is dropped.
     */
    public static byte[] rgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        Raster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        int bands = r.getNumBands();
        boolean eightBit = true;
        for (int b = 0; b < bands; b++) eightBit &= r.getSampleModel().getSampleSize(b) == 8;
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && eightBit && !(cm instanceof IndexColorModel);
        boolean direct = cm.getColorSpace().isCS_sRGB() && eightBit && bands >= 3 && !(cm instanceof IndexColorModel);
        int[] row = new int[w * Math.max(bands, 1)];
        for (int y = 0; y < h; y++) {
            if (grey || direct) r.getPixels(0, y, w, 1, row); // raw samples, band order R, G, B (, A)
            else img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                if (grey) {
                    out[o] = out[o + 1] = out[o + 2] = (byte) row[x * bands];
                } else if (direct) {
                    int i = x * bands;
                    out[o] = (byte) row[i];
                    out[o + 1] = (byte) row[i + 1];
                    out[o + 2] = (byte) row[i + 2];
                } else {
                    int v = row[x];
                    out[o] = (byte) (v >> 16);
                    out[o + 1] = (byte) (v >> 8);
                    out[o + 2] = (byte) v;
                }
            }
        }
        return out;
    }

    /** A TYPE_INT_RGB image from interleaved RGB bytes. */
    public static BufferedImage fromRgb(byte[] rgb, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < w * h; i++) {
            px[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        return img;
    }
}
