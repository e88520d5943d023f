package io.consulwatchdog.execute;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * A directory held open by its descriptor, whose entries are created, inspected, renamed and removed
 * relative to it (openat, fstatat, renameat, unlinkat) without ever following a symbolic link.
 *
 * <p>The watchdog may run as root while writing into a directory the consul user owns: that user could
 * swap a name for a link to /etc/shadow between two path-based calls. Here the directory itself is
 * refused when it is a link, and every name in it is opened with O_NOFOLLOW (O_EXCL when created), so a
 * planted link makes the operation fail instead of acting on the link's target.
 */
final class LocalDirectory implements AutoCloseable {
  private final Path path;
  private final SecureDirectoryStream<Path> stream;

  private LocalDirectory(Path path, SecureDirectoryStream<Path> stream) {
    this.path = path;
    this.stream = stream;
  }

  /** A refusal to act on a symbolic link or on the wrong kind of file; its message says which. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Opens an existing directory; refuses it when it is a symbolic link or no directory, and when what was
   * opened is not the directory found under that name (swapped while opening).
   */
  static LocalDirectory open(Path dir) throws IOException {
    BasicFileAttributes byName = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (byName.isSymbolicLink()) {
      throw new Refused("directory " + dir + " is a symbolic link (refused: links are never followed)");
    }
    if (!byName.isDirectory()) {
      throw new Refused(dir + " is not a directory");
    }
    DirectoryStream<Path> opened = Files.newDirectoryStream(dir);
    if (!(opened instanceof SecureDirectoryStream<Path> secure)) {
      opened.close();
      throw new UnsupportedOperationException("this file system has no secure directory streams (openat): " + dir);
    }
    Object openedKey = secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    if (openedKey == null || !openedKey.equals(byName.fileKey())) {
      secure.close();
      throw new Refused("directory " + dir + " changed while it was opened (refused)");
    }
    return new LocalDirectory(dir, secure);
  }

  /** This directory's path, for messages. */
  Path path() {
    return path;
  }

  /** The attributes of this directory itself (fstat on the held descriptor). */
  PosixFileAttributes attributes() throws IOException {
    return stream.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
  }

  /** The attributes of an entry, the entry itself when it is a link; empty when there is no such entry. */
  Optional<PosixFileAttributes> attributes(String name) throws IOException {
    try {
      return Optional.of(view(name).readAttributes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Creates a new file for writing (O_CREAT|O_EXCL|O_NOFOLLOW): fails when the name exists, even as a link. */
  FileChannel createNew(String name, Set<PosixFilePermission> permissions) throws IOException {
    SeekableByteChannel channel;
    try {
      channel = stream.newByteChannel(Path.of(name),
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(permissions));
    } catch (FileAlreadyExistsException e) {
      throw new Refused(path.resolve(name) + " already exists (refused: a new file is never written through an"
          + " existing name or link)");
    }
    if (channel instanceof FileChannel file) {
      return file;
    }
    channel.close();
    throw new UnsupportedOperationException("cannot fsync " + path.resolve(name) + ": not a file channel");
  }

  /** Opens an existing regular file for reading, refusing a symbolic link (O_NOFOLLOW). */
  SeekableByteChannel openForReading(String name) throws IOException {
    return stream.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  /** Sets an entry's permissions without following a link. */
  void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException {
    view(name).setPermissions(permissions);
  }

  /** Sets an entry's owner and group without following a link (only root may give files away). */
  void setOwner(String name, UserPrincipal owner, GroupPrincipal group) throws IOException {
    PosixFileAttributeView view = view(name);
    view.setOwner(owner);
    view.setGroup(group);
  }

  /** Renames an entry to a name in another held directory (renameat: atomic, replaces a file, never follows). */
  void rename(String from, LocalDirectory targetDirectory, String to) throws IOException {
    stream.move(Path.of(from), targetDirectory.stream, Path.of(to));
  }

  /** Removes an entry that is not a directory (unlinkat: a link is removed itself, its target is untouched). */
  void delete(String name) throws IOException {
    stream.deleteFile(Path.of(name));
  }

  /** Flushes the directory's entries to disk, so that a rename or removal survives a crash. */
  void fsync() throws IOException {
    try (SeekableByteChannel self = stream.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
      if (self instanceof FileChannel file) {
        file.force(true);
      }
    }
  }

  private PosixFileAttributeView view(String name) {
    return stream.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
