print("modelmeter")
