package io.hotclone.hypervisor.libvirt;

import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import java.lang.reflect.Field;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.StorageVol;

/**
 * The raw libvirt pointers behind libvirt-java 0.5.2 objects, for {@link LibvirtNative}. The
 * pointers stay owned by the libvirt-java objects: never free them here.
 */
final class NativeHandles {
  private static final Field CONNECT = field(Connect.class, "vcp");
  private static final Field DOMAIN = field(Domain.class, "vdp");
  private static final Field VOLUME = field(StorageVol.class, "vsvp");

  private NativeHandles() {}

  static Pointer of(Connect connect) {
    return pointer(CONNECT, connect);
  }

  static Pointer of(Domain domain) {
    return pointer(DOMAIN, domain);
  }

  static Pointer of(StorageVol volume) {
    return pointer(VOLUME, volume);
  }

  private static Pointer pointer(Field field, Object owner) {
    try {
      return ((PointerType) field.get(owner)).getPointer();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("libvirt-java layout changed: " + field, e);
    }
  }

  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError("libvirt-java without field " + type.getName() + "." + name);
    }
  }
}
