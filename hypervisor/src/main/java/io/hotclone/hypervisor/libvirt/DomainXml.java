package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** A libvirt XML document (domain, snapshot, volume, pool) handled through DOM, never as text. */
final class DomainXml {
  private final Document doc;

  private DomainXml(Document doc) {
    this.doc = doc;
  }

  static DomainXml parse(String xml) {
    try {
      return new DomainXml(builder().parse(new InputSource(new StringReader(xml))));
    } catch (SAXException | java.io.IOException e) {
      throw new HypervisorException.CorruptImage("unreadable libvirt XML: " + e.getMessage());
    }
  }

  /** A new document whose root element is {@code root}. */
  static DomainXml create(String root) {
    Document d = builder().newDocument();
    d.appendChild(d.createElement(root));
    return new DomainXml(d);
  }

  Element root() {
    return doc.getDocumentElement();
  }

  Document document() {
    return doc;
  }

  List<Element> all(String xpath) {
    try {
      NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
      List<Element> result = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i) instanceof Element) {
          result.add((Element) nodes.item(i));
        }
      }
      return result;
    } catch (XPathExpressionException e) {
      throw new IllegalArgumentException(xpath, e);
    }
  }

  Optional<Element> first(String xpath) {
    List<Element> all = all(xpath);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  Optional<String> text(String xpath) {
    return first(xpath).map(Node::getTextContent).map(String::trim);
  }

  Optional<String> attr(String xpath, String name) {
    return first(xpath).map(e -> e.getAttribute(name)).filter(v -> !v.isEmpty());
  }

  /** The child {@code name} of {@code parent}, created (last) when missing. */
  Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && name.equals(n.getNodeName())) {
        return (Element) n;
      }
    }
    return append(parent, name);
  }

  Element append(Element parent, String name) {
    Element e = doc.createElement(name);
    parent.appendChild(e);
    return e;
  }

  Element append(Element parent, String name, String text) {
    Element e = append(parent, name);
    e.setTextContent(text);
    return e;
  }

  static Element attrs(Element e, String... namesAndValues) {
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      e.setAttribute(namesAndValues[i], namesAndValues[i + 1]);
    }
    return e;
  }

  static void remove(Element e) {
    e.getParentNode().removeChild(e);
  }

  String toXml() {
    return serialize(doc);
  }

  /** One element (or a whole document) as XML text, without declaration. */
  static String serialize(org.w3c.dom.Node node) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(node), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialise XML", e);
    }
  }

  // ---- domain specifics ------------------------------------------------------------------------

  /** A file-backed disk device: its target device name and its element in this document. */
  record Disk(String target, Element element) {

    /** The disk's active file. */
    String file() {
      return DomainXml.directChild(element, "source").getAttribute("file");
    }

    /** Files of the disk's chain as the live XML lists it: active file first. */
    List<String> chain() {
      List<String> chain = new ArrayList<>();
      Element level = element;
      while (level != null) {
        Element source = directChild(level, "source");
        if (source == null || source.getAttribute("file").isEmpty()) {
          break;
        }
        chain.add(source.getAttribute("file"));
        level = directChild(level, "backingStore");
      }
      return chain;
    }
  }

  /** Every file-backed disk device ({@code <disk device='disk'>}), in device order. */
  List<Disk> disks() {
    List<Disk> result = new ArrayList<>();
    for (Element e : all("/domain/devices/disk[@device='disk' or not(@device)][source/@file]")) {
      Element t = directChild(e, "target");
      result.add(new Disk(t == null ? "" : t.getAttribute("dev"), e));
    }
    return result;
  }

  /** Every file of every disk's chain. */
  List<String> allDiskFiles() {
    List<String> files = new ArrayList<>();
    for (Disk d : disks()) {
      files.addAll(d.chain());
    }
    return files;
  }

  /** The first file-backed disk device. */
  Optional<Element> firstDisk() {
    return disks().stream().findFirst().map(Disk::element);
  }

  Optional<String> firstDiskFile() {
    return disks().stream().findFirst().map(Disk::file);
  }

  Optional<String> firstDiskTarget() {
    return disks().stream().findFirst().map(Disk::target);
  }

  /** Files of the first disk's chain as the live XML lists it: active file first. */
  List<String> firstDiskChain() {
    return disks().stream().findFirst().map(Disk::chain).orElseGet(ArrayList::new);
  }

  /** The chain of the disk with target {@code target}, empty when there is none. */
  List<String> chainOf(String target) {
    return disks().stream().filter(d -> d.target().equals(target)).findFirst().map(Disk::chain).orElseGet(ArrayList::new);
  }

  Optional<String> firstMac() {
    return attr("/domain/devices/interface/mac", "address");
  }

  List<String> macs() {
    List<String> result = new ArrayList<>();
    for (Element e : all("/domain/devices/interface/mac")) {
      result.add(e.getAttribute("address").toLowerCase());
    }
    return result;
  }

  /** File paths of serial/console devices of type file. */
  List<Element> fileCharDevSources() {
    return all("/domain/devices/*[(self::serial or self::console) and @type='file']/source[@path]");
  }

  static Element directChild(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && name.equals(n.getNodeName())) {
        return (Element) n;
      }
    }
    return null;
  }

  private static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}
