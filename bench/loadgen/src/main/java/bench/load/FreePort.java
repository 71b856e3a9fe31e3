package bench.load;

import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints a free TCP port on 127.0.0.1. */
public final class FreePort {
    public static void main(String[] a) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            System.out.println(s.getLocalPort());
        }
    }
}
