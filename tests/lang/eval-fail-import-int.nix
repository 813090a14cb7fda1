# importing an integer
import 1
