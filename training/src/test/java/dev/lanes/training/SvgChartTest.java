package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
    static EpochMetrics epoch(int e, double loss, double acc, Evaluation val) {
        return new EpochMetrics(e, loss, acc, val, 1e-3, 1.5, 0.2, 1000, 400_000, 1_000_000);
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void chartIsWellFormedSvgWithOneLinePerSeries() throws Exception {
        List<EpochMetrics> h = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            h.add(epoch(e, 1.0 / e, 1 - 0.5 / e, new Evaluation(1.2 / e, 1 - 0.6 / e, new int[][] {{1, 0}, {0, 1}})));
        }
        Document d = parse(SvgChart.render("lenet5 <on> \"mnist\" & co", h));
        Element root = d.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        NodeList lines = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        assertEquals(4, lines.getLength(), "train and validation, loss and accuracy");
        String points = ((Element) lines.item(0)).getAttribute("points");
        assertEquals(12, points.trim().split("\\s+").length);
        assertTrue(d.getDocumentElement().getTextContent().contains("lenet5 <on> \"mnist\" & co"), "title escaped and kept");
        assertTrue(root.getTextContent().contains("validation"), "default legend");
        String test = parse(SvgChart.render("t", "test", h)).getDocumentElement().getTextContent();
        assertTrue(test.contains("test") && !test.contains("validation"), "the legend names the split evaluated: " + test);
    }

    @Test
    void missingValidationAndSingleEpochStillRender() throws Exception {
        Document d = parse(SvgChart.render("one", List.of(epoch(1, 0.5, 0.9, null))));
        assertEquals(0, d.getElementsByTagNameNS("*", "polyline").getLength());
        assertEquals(2, d.getElementsByTagNameNS("*", "circle").getLength(), "one point per train series, no NaN points");
        Document empty = parse(SvgChart.render("empty", List.of()));
        assertEquals("svg", empty.getDocumentElement().getLocalName());
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        double[] t = SvgChart.niceTicks(0.013, 0.87, 5);
        assertEquals(0.0, t[0], 1e-12);
        assertTrue(t[t.length - 1] >= 0.87);
        assertEquals(0.2, t[1] - t[0], 1e-12);
    }
}
