package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/** The loopback block: locked per block, addresses handed out only when Consul's ports are free. */
class AddressBlockTest {

  @Test
  void twoBlocksHeldAtOnceDifferAndStayInTheLabRange() {
    try (AddressBlock a = AddressBlock.acquire(); AddressBlock b = AddressBlock.acquire()) {
      assertThat(a.cidr()).isNotEqualTo(b.cidr());
      assertThat(a.cidr()).matches("127\\.1[0-9][0-9]\\.[0-9]{1,3}\\.0/24");
      assertThat(a.nextAddress()).isEqualTo(a.cidr().replace("0/24", "1"));
    }
  }

  @Test
  void theBlockIsLockedUntilClosed() throws Exception {
    String cidr;
    Path lockFile;
    try (AddressBlock block = AddressBlock.acquire()) {
      cidr = block.cidr();
      lockFile = Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-lab-" + cidr.replace("/24", "") + ".lock");
      assertThat(lockFile).exists();
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        org.assertj.core.api.Assertions.assertThatThrownBy(ch::tryLock)
            .isInstanceOf(java.nio.channels.OverlappingFileLockException.class);
      }
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
      assertThat(lock).as("lock on %s after close", cidr).isNotNull();
    }
  }

  @Test
  void anAddressWithABusyConsulPortIsSkipped() throws Exception {
    try (AddressBlock block = AddressBlock.acquire()) {
      String first = block.cidr().replace("0/24", "1");
      try (ServerSocket busy = new ServerSocket()) {
        busy.bind(new InetSocketAddress(InetAddress.getByName(first), 8500));
        assertThat(AddressBlock.portsFree(first)).isFalse();
        assertThat(block.nextAddress()).isEqualTo(block.cidr().replace("0/24", "2"));
      }
    }
  }
}
