/* xmllib: libxml2 behind lazylib (see xmllib.h). */
#include "base/xmllib.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* Every libxml2 function quire calls (LAZYLIB_WRAP's list). */
#define XML_FUNCTIONS(F, V)                                                                                     \
    F(htmlDocPtr, htmlReadMemory, (const char *buffer, int size, const char *URL, const char *encoding, int o), \
      (buffer, size, URL, encoding, o))                                                                         \
    F(xmlNodePtr, xmlAddChild, (xmlNodePtr parent, xmlNodePtr cur), (parent, cur))                              \
    F(xmlDocPtr, xmlCtxtReadMemory,                                                                             \
      (xmlParserCtxtPtr ctxt, const char *buffer, int size, const char *URL, const char *encoding, int o),      \
      (ctxt, buffer, size, URL, encoding, o))                                                                   \
    V(xmlDocDumpMemoryEnc, (xmlDocPtr doc, xmlChar * *txt, int *len, const char *encoding),                     \
      (doc, txt, len, encoding))                                                                                \
    F(xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))                                             \
    V(xmlFreeDoc, (xmlDocPtr cur), (cur))                                                                       \
    V(xmlFreeDtd, (xmlDtdPtr cur), (cur))                                                                       \
    V(xmlFreeNode, (xmlNodePtr cur), (cur))                                                                     \
    V(xmlFreeParserCtxt, (xmlParserCtxtPtr ctxt), (ctxt))                                                       \
    F(xmlEntityPtr, xmlGetDocEntity, (const xmlDoc *doc, const xmlChar *name), (doc, name))                     \
    F(long, xmlGetLineNo, (const xmlNode *node), (node))                                                        \
    F(xmlChar *, xmlGetNsProp, (const xmlNode *node, const xmlChar *name, const xmlChar *ns), (node, name, ns))  \
    F(xmlChar *, xmlGetProp, (const xmlNode *node, const xmlChar *name), (node, name))                          \
    F(xmlNodePtr, xmlNewDocText, (const xmlDoc *doc, const xmlChar *content), (doc, content))                   \
    F(xmlParserCtxtPtr, xmlNewParserCtxt, (void), ())                                                           \
    F(xmlChar *, xmlNodeGetContent, (const xmlNode *cur), (cur))                                                \
    V(xmlNodeSetName, (xmlNodePtr cur, const xmlChar *name), (cur, name))                                       \
    F(int, xmlRemoveProp, (xmlAttrPtr cur), (cur))                                                              \
    V(xmlSetExternalEntityLoader, (xmlExternalEntityLoader f), (f))                                             \
    F(xmlAttrPtr, xmlSetNsProp, (xmlNodePtr node, xmlNsPtr ns, const xmlChar *name, const xmlChar *value),      \
      (node, ns, name, value))                                                                                  \
    V(xmlUnlinkNode, (xmlNodePtr cur), (cur))

/* libxml2's deallocator, the library's variable xmlFree: read when it is opened. */
static xmlFreeFunc lib_free;

LAZYLIB_WRAP(xmllib, QUIRE_XML_SONAME, NULL, XML_FUNCTIONS,
             lib_free = *(xmlFreeFunc *)lazylib_symbol(&xmllib, handle, "xmlFree");)

void xmllib_free(void *p) {
    lazylib_need(&xmllib);
    lib_free(p);
}
