package io.github.ttforwarder.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends requests byte for byte (no client-side path normalisation) and reads the raw answer. */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * @param port   the server port on 127.0.0.1
     * @param target the request target exactly as it goes on the wire
     * @return the status code, or -1 when the connection was closed without an answer
     */
    static int get(int port, String target) throws IOException {
        String answer = send(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        return status(answer);
    }

    static String send(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) >= 0;) {
                buf.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // answer read so far
        } catch (IOException e) {
            // reset by peer: what we have is the answer
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    static int status(String answer) {
        if (answer == null || !answer.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(answer.substring(9, 12));
    }
}
