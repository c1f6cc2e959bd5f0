package gadget
