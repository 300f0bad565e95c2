package dev.infinity.workbench.kernel;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notebook's class loader: the classes JShell compiles from cells, plus jars added with {@code %classpath}
 * or {@code %maven}. Its parent is the system class loader, which already holds the workbench library and
 * its dependencies (the native-library jars among them): those are never loaded a second time.
 */
final class NotebookClassLoader extends URLClassLoader {
    static { registerAsParallelCapable(); }

    private final Map<String, byte[]> snippetClasses = new ConcurrentHashMap<>();

    NotebookClassLoader(ClassLoader parent) {
        super("notebook", new URL[0], parent);
    }

    /** Makes compiled snippet bytecode available; the class is defined on first load. */
    void declare(String className, byte[] bytecode) {
        snippetClasses.put(className, bytecode);
    }

    void addPath(Path path) {
        try {
            addURL(path.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a classpath entry: " + path, e);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = snippetClasses.get(name);
        if (bytes == null) return super.findClass(name);
        return defineClass(name, bytes, 0, bytes.length);
    }
}
